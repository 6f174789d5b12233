"""bantin.alerts"""
