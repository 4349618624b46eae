"""Project helpers every app may use: form fields, number formats, URL
converters and template tags. The bottom layer: imports no other Hemolog app."""
