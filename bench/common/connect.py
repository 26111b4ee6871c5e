"""Connections to the private PostgreSQL and Sphinx servers (loopback, no password)."""


def pg_connect(a):
    import psycopg2
    conn = psycopg2.connect(host="127.0.0.1", port=a.pg_port, user="postgres", dbname="bench")
    conn.autocommit = True
    return conn


def sphinx_connect(port):
    import pymysql
    return pymysql.connect(host="127.0.0.1", port=port, user="", password="", autocommit=True)
