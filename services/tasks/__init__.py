"""Tasks: task managers (boards), tasks, and the client assets they attach."""
