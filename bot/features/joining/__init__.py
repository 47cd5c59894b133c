"""joining"""
