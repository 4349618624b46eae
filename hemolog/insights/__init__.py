"""The dashboard: figures, charts and their views, built from the clinical calculations."""
