"""bantin.models"""
