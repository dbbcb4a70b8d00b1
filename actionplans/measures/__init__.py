"""Measures (outcome indicators): what a plan sets out to change for children, with targets,
values over time and their RAG. A layer of its own above plans and actions: a measure belongs
to a plan and evidences its recommendations and actions; meetings and reports read it."""
