"""The API's endpoints, one module per area; every list is scoped by pilots.access."""
