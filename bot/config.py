"""Settings, read from the environment and `.env` (see `.env.example`)."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_API_URL = "https://api.telegram.org"
_TOKEN_RE = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,64}$")
_URL_RE = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class Settings(BaseSettings):
    """Everything FarmDesk can be told from outside."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr = SecretStr("")
    bot_api_url: str = TELEGRAM_API_URL
    database_url: str = "sqlite+aiosqlite:///data/farmdesk.db"
    owner_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    default_locale: str = "en"
    timezone: str = "UTC"
    redis_url: str | None = None
    log_level: str = "INFO"
    data_dir: str = "data"
    # telemetry: which networks may be polled (empty: every miner's address), how many miners
    # are read at once, the hard limit per miner in seconds, and credentials for control commands
    telemetry_networks: Annotated[list[str], NoDecode] = Field(default_factory=list)
    telemetry_concurrency: int = Field(200, ge=1, le=5000)
    telemetry_timeout: float = Field(10.0, ge=1, le=120)
    miner_username: str | None = None
    miner_password: SecretStr | None = None
    # the web server (watcher pages, the webhook): off unless WEB_BASE_URL or WEBHOOK_URL is set
    web_base_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    web_host: str = "127.0.0.1"
    web_port: int | None = Field(None, ge=0, le=65535)
    web_trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("owner_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            return [int(p) for p in parts if p]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("telemetry_networks", "web_trusted_proxies", mode="before")
    @classmethod
    def _split_networks(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str):
            value = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
        if isinstance(value, list):
            for network in value:
                try:
                    ipaddress.ip_network(str(network), strict=False)
                except ValueError as exc:
                    name = str(info.field_name).upper()
                    raise ValueError(f"{name}: {network!r} is not a network") from exc
        return value

    @field_validator("web_base_url", "webhook_url", mode="before")
    @classmethod
    def _web_url(cls, value: object) -> object:
        if value is None or value == "":
            return None
        text = str(value).strip().rstrip("/")
        if not _URL_RE.match(text):
            raise ValueError(f"{text!r} is not an http(s) address like https://farm.example.com")
        return text

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _secret(cls, value: object) -> object:
        if value is None or value == "":
            return None
        if not _SECRET_RE.match(str(value)):
            raise ValueError("WEBHOOK_SECRET: 1–256 characters, only A–Z a–z 0–9 _ -")
        return value

    @field_validator("web_port", mode="before")
    @classmethod
    def _blank_port(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("miner_username", "miner_password", mode="before")
    @classmethod
    def _blank_credential(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in ("en", "ru"):
            raise ValueError("DEFAULT_LOCALE must be 'en' or 'ru'")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: name too long
            raise ValueError(f"TIMEZONE {value!r} is not an IANA time zone name") from exc
        return value

    @field_validator("redis_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("bot_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def serves_web(self) -> bool:
        """The web server runs: watcher pages (WEB_BASE_URL) or the webhook (WEBHOOK_URL)."""
        return bool(self.web_base_url or self.webhook_url)

    def web_problem(self) -> str | None:
        """Say in one line what the web server lacks, or None."""
        if self.serves_web and self.web_port is None:
            wanted = "WEBHOOK_URL" if self.webhook_url else "WEB_BASE_URL"
            return (
                f"{wanted} is set but WEB_PORT is not: set WEB_PORT (and WEB_HOST) to where the "
                "reverse proxy forwards the requests, e.g. WEB_PORT=8080."
            )
        return None

    def token_problem(self) -> str | None:
        """Say in one line what is wrong with BOT_TOKEN, or None when it looks right."""
        token = self.bot_token.get_secret_value().strip()
        if not token:
            return (
                "BOT_TOKEN is not set: put BOT_TOKEN=<token> in .env (copy .env.example); "
                "get a token from @BotFather in Telegram (/newbot)."
            )
        if not _TOKEN_RE.match(token):
            return (
                "BOT_TOKEN is malformed: it should look like 123456789:AAE... "
                "as given by @BotFather in Telegram; set it in .env."
            )
        return None
