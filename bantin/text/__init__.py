"""Vietnamese text: bytes → text (charsets incl. windows-1258 and VISCII), NFC and one tone-mark
placement, diacritic folding, tokens for place matching, language identification.

May import: ``app.stats`` only. Everything that handles Vietnamese text uses these helpers.
"""
