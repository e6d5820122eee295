"""Agency scorecards and ratings on the city's configurable grade scale."""
