"""The rural surplus-labour pool: workers registered by county offices."""
