"""What the API returns (read), and what its writes accept (inputs)."""
