"""Business logic. Nothing here knows it runs in a chat: no aiogram import anywhere below."""
