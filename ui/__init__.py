"""Streamlit screens and widgets for app.py (UI only)."""
