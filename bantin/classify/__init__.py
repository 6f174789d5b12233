"""bantin.classify"""
