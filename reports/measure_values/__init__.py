"""Measures' values through a spreadsheet (issue 10, item 3): download the values template
(sheet.py: the measures the person enters values for, one row each), fill in a row for each
figure (copying a measure's row for each further period), upload it, check the preview (what
will be added, and what corrected with the old figure beside the new), confirm (services.py).

Read by the shared reader (reports.uploads, reports.spreadsheets), as the plan import and the
bulk update are. All or nothing: while any row has a problem nothing can be saved, and the
confirm writes every row in one transaction, or none if anything changed since the preview.
Corrections keep their history (the audit trail records the earlier figure)."""
