"""govflow: the administrative procedures of Beijing Municipal Government Gazette 2021 no. 44
as durable Temporal workflows."""
