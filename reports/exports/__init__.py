"""Spreadsheet downloads: one row source per report (rows.py) written as XLSX (xlsx.py) or CSV
(csv.py), so a download can never disagree with the page it came from."""
