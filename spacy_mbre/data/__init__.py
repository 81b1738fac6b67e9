"""The shared data model, schemas, and readers/converters for datasets."""
