"""bantin.crawlers"""
