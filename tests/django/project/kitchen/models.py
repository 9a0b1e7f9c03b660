"""tests/fixtures/all_types/models.toml (app label `kitchen`), by hand in Django.

Keep this file a faithful, field-by-field translation of that fixture: same
model names, field names and order, types and options. Where models.toml has
an option Django has no counterpart for, a comment says so (and README.md
lists it).
"""

import datetime
import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now


# An abstract base: no table, its fields come first in every model that extends it.
# (It must stay above its children: Django orders fields by creation order.)
class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Tag(TimeStamped):
    id = models.SmallAutoField(primary_key=True)
    label = models.SlugField(unique=True)


class Category(models.Model):
    id = models.AutoField(primary_key=True)
    name = models.CharField(max_length=100, db_comment="Shown in menus")
    code = models.CharField(max_length=12, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, related_name="children"
    )

    class Meta:
        verbose_name = "category"
        verbose_name_plural = "categories"
        ordering = ["name"]


class Level(models.IntegerChoices):
    # choices_enum = "Level"; `name` of each choice is the member name.
    Intern = 0, "Intern"
    Junior = 1, "Junior developer"
    Senior = 2, "Senior developer"


def payload_default():
    # default = { kind = "empty", tags = [] }. A callable, as Django asks of a
    # mutable JSONField default (fields.E010); the value is the same.
    return {"kind": "empty", "tags": []}


class Sample(TimeStamped):
    STATUS_CHOICES = [
        ("dr", "Draft"),
        ("pu", "Published"),
        ("ar", "Archived"),
    ]
    RANK_CHOICES = [
        (0, "Zero"),
        (1, "One"),
        (2, "Two"),
    ]

    uid = models.UUIDField(primary_key=True, default=uuid.uuid4)
    # renamed_from = "name": no Django counterpart (a migration-time hint only).
    title = models.CharField(max_length=200, db_index=True, help_text="A short title")
    body = models.TextField(blank=True, default="")
    slug = models.SlugField(max_length=80, unique=True)
    email = models.EmailField(null=True, blank=True)
    homepage = models.URLField(default="https://example.com/?q='x'")
    count = models.IntegerField(default=0)
    small = models.SmallIntegerField(default=-1)
    big = models.BigIntegerField(default=9007199254740993)
    rank = models.PositiveIntegerField(default=1, choices=RANK_CHOICES)
    stock = models.PositiveSmallIntegerField(default=0)
    views = models.PositiveBigIntegerField(default=0)
    ratio = models.FloatField(default=0.5)
    amount = models.DecimalField(max_digits=12, decimal_places=4, default=Decimal("0.0000"))
    active = models.BooleanField(default=True)
    birthday = models.DateField(null=True, default=datetime.date(2000, 1, 1))
    published_at = models.DateTimeField(db_default=Now())
    opens_at = models.TimeField(default=datetime.time(9, 30, 0))
    work_week = models.DurationField(default=datetime.timedelta(hours=40))
    payload = models.JSONField(default=payload_default)
    blob = models.BinaryField(null=True, editable=False)
    ip = models.GenericIPAddressField(null=True)
    ipv4 = models.GenericIPAddressField(protocol="ipv4", default="127.0.0.1")
    level = models.SmallIntegerField(default=1, choices=Level.choices)
    status = models.CharField(max_length=2, default="dr", choices=STATUS_CHOICES)
    legacy = models.CharField(max_length=20, db_column="legacy_code", null=True)
    category = models.ForeignKey(
        Category, on_delete=models.SET_DEFAULT, default=1, related_name="samples"
    )
    category_code = models.ForeignKey(
        Category,
        to_field="code",
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="samples_by_code",
    )
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    owner = models.ForeignKey(
        "Person", on_delete=models.PROTECT, null=True, related_name="owned_samples"
    )
    reviewer = models.ForeignKey(
        "Person",
        on_delete=models.RESTRICT,
        null=True,
        db_constraint=False,
        related_name="reviewed_samples",
    )
    main_tag = models.OneToOneField(
        Tag, on_delete=models.CASCADE, null=True, related_name="featured_sample"
    )
    tags = models.ManyToManyField(Tag, related_name="samples")
    members = models.ManyToManyField(
        "Person", through="Membership", related_name="memberships"
    )

    class Meta:
        db_table = "kitchen_samples"
        db_table_comment = "One row per sample"
        ordering = ["-published_at", "title"]
        get_latest_by = "published_at"
        unique_together = [["title", "category"]]
        indexes = [
            models.Index(fields=["-published_at", "status"], name="sample_recent_idx"),
            # condition = "active = TRUE AND status <> 'ar'"
            models.Index(
                fields=["title"],
                name="sample_active_title_idx",
                condition=Q(active=True) & ~Q(status="ar"),
            ),
        ]
        constraints = [
            # check = "amount >= 0 AND ratio BETWEEN 0 AND 1"
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(ratio__range=(0, 1)),
                name="sample_amount_ratio_check",
            ),
            # condition = "email IS NOT NULL AND status IN ('pu', 'ar')"
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(email__isnull=False) & Q(status__in=["pu", "ar"]),
                name="sample_published_email_uniq",
            ),
            models.UniqueConstraint(
                fields=["slug", "status"], name="sample_slug_status_uniq"
            ),
        ]


class Person(models.Model):
    name = models.CharField(max_length=120)
    friends = models.ManyToManyField("self")
    mentors = models.ManyToManyField("self", symmetrical=False, related_name="mentees")


class Membership(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE)
    sample = models.ForeignKey(Sample, on_delete=models.CASCADE)
    role = models.CharField(max_length=30, default="member")
    joined = models.DateField(null=True)

    class Meta:
        unique_together = [["person", "sample"]]


# Unmanaged: Django (like modelc) emits no DDL for it.
class LegacyReport(models.Model):
    id = models.IntegerField(primary_key=True)
    total = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        managed = False
        db_table = "legacy_report"


# A proxy: no table of its own.
class RecentSample(Sample):
    class Meta:
        proxy = True
        ordering = ["-created_at"]
