"""Real Binance clients pointed at a sandbox by its URL only (REST). Each library is imported
when its factory is called, so a project needs only the clients it uses."""

from typing import Any


def rebase(urls: Any, base: str) -> Any:
    """Every Binance URL in ccxt's url table, moved to the sandbox host (paths kept)."""
    if isinstance(urls, dict):
        return {name: rebase(url, base) for name, url in urls.items()}
    if isinstance(urls, str) and urls.startswith("https://") and "binance" in urls:
        return base + "/" + urls.split("/", 3)[3] if urls.count("/") >= 3 else base
    return urls


def ccxt_client(url: str, api_key: str, secret: str) -> Any:
    import ccxt

    client = ccxt.binanceusdm({"apiKey": api_key, "secret": secret})
    client.urls["api"] = rebase(client.urls["api"], url)
    return client


def python_binance_client(url: str, api_key: str, secret: str) -> Any:
    from binance.client import Client

    client = Client(api_key, secret, ping=False)
    client.API_URL = url + "/api"
    client.FUTURES_URL = url + "/fapi"
    client.FUTURES_DATA_URL = url + "/futures/data"
    return client


def futures_connector_client(url: str, api_key: str, secret: str) -> Any:
    from binance.um_futures import UMFutures

    return UMFutures(key=api_key, secret=secret, base_url=url)


def official_sdk_client(url: str, api_key: str, secret: str) -> Any:
    """The REST API of Binance's official SDK (`binance-sdk-derivatives-trading-usds-futures`)."""
    from binance_common.configuration import ConfigurationRestAPI
    from binance_sdk_derivatives_trading_usds_futures.derivatives_trading_usds_futures import (
        DerivativesTradingUsdsFutures,
    )

    config = ConfigurationRestAPI(api_key=api_key, api_secret=secret, base_path=url, retries=0)
    return DerivativesTradingUsdsFutures(config_rest_api=config).rest_api
