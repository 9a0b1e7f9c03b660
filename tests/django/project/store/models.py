"""The storefront, /work/main/models.toml (app label `store`), by hand in Django.

Keep this file a faithful, field-by-field translation of the repository's
top-level models.toml: same model names, field names and order, types and
options. DEFAULT_AUTO_FIELD is BigAutoField (modelc's implicit `big_auto`).
"""

from django.db import models


class Collection(models.Model):
    title = models.CharField(max_length=255)


class Product(models.Model):
    title = models.CharField(max_length=255)
    description = models.TextField()
    price = models.DecimalField(max_digits=6, decimal_places=2)
    inventory = models.IntegerField()
    last_update = models.DateTimeField(auto_now=True)
    collection = models.ForeignKey(Collection, on_delete=models.PROTECT)


class Customer(models.Model):
    MEMBERSHIP_CHOICES = [
        ("B", "Bronze"),
        ("S", "Silver"),
        ("G", "Gold"),
    ]

    first_name = models.CharField(max_length=255)
    last_name = models.CharField(max_length=255)
    email = models.EmailField(unique=True, primary_key=True)
    phone_number = models.CharField(max_length=255)
    birth_date = models.DateField(null=True)
    membership = models.CharField(max_length=1, default="B", choices=MEMBERSHIP_CHOICES)
    address = models.ForeignKey(
        "Address", on_delete=models.SET_NULL, null=True, related_name="residents"
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        # No name in models.toml: Django derives one (set_name_with_model).
        indexes = [models.Index(fields=["last_name", "first_name"])]


class Order(models.Model):
    PAYMENT_STATUS_CHOICES = [
        ("P", "Pending"),
        ("C", "Completed"),
        ("F", "Failed"),
    ]

    placed_at = models.DateTimeField(auto_now_add=True)
    payment_status = models.CharField(
        max_length=1, default="P", choices=PAYMENT_STATUS_CHOICES
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT)


class Address(models.Model):
    street = models.CharField(max_length=255)
    city = models.CharField(max_length=255)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
