"""Renders reports and certificates to PDF; the only package that imports WeasyPrint. It loads and stores
nothing: the services build the data, call these renderers and record what was issued or served."""
