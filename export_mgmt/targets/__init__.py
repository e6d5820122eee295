"""Export targets (目标责任制): what each district and county is to export in a year, set by the city."""
