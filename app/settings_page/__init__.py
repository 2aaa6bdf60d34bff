"""The settings page: HTML pages for the organization, a project and the audit log, each a small shell that
loads the page's ES modules (static/), which read and write through /graphql with the documents of
queries/ alone."""
