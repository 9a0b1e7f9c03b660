//! Support for modelc's end-to-end tests: database connections and catalog reading.
