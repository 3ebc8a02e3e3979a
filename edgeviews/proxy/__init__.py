"""The proxy wing: a Starlette reverse proxy that injects compiled views into HTML as it streams."""
