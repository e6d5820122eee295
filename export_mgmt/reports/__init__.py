"""Reports for the statistics department: the monthly statistics workbook, per county and for the city."""
