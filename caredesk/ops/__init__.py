"""What operators watch: the health check and the Prometheus metrics, both read per request."""
