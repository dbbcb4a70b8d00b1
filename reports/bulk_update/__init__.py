"""Progress updates for many actions at once, through a spreadsheet: download the update sheet
(sheet.py), fill in the last three columns, upload it, check the preview, confirm (services.py).
Every row becomes an ordinary progress update through actionplans.plans.services."""
