"""What the web pages, the API, the jobs and the commands share: the adapters' own layer."""
