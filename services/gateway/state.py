"""The gateway's typed state, built by the lifespan and reached by dependencies."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.common.bus import Bus
from services.gateway.export_cache import ExportCache
from services.gateway.settings import GatewaySettings
from services.gateway.sync import SyncRecorder
from services.gateway.trust import TrustStore


@dataclass
class GatewayState:
    settings: GatewaySettings
    bus: Bus
    recorder: SyncRecorder
    trust: TrustStore
    exports: ExportCache = field(default_factory=ExportCache)
