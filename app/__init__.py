"""The ASGI application, its configuration and the `aisettings` command line."""
