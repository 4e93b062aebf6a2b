"""Builds report data and renders PDFs; the only package that imports WeasyPrint."""
