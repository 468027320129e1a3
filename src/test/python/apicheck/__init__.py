"""Checks that a server speaks Airflow 3's REST API v2 the way Airflow's own clients expect; see ../airflow_client_check.py."""
