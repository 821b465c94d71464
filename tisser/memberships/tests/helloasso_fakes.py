"""HelloAsso as the tests see it: real-looking notifications, and a fake API server on
loopback (a real HTTP server in a thread, speaking OAuth2 client credentials and v5)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from tisser.memberships.helloasso.notifications import sign

SECRET = "clé-de-signature-de-test"


def payer(**extra):
    return {
        "email": "contact@anges-gardins.example.org",
        "address": "7 rue de l'Église",
        "city": "Lille",
        "zipCode": "59000",
        "country": "FRA",
        "company": "Les Anges Gardins",
        "firstName": "Camille",
        "lastName": "Durand",
        **extra,
    }


def payment_data(
    payment_id=5201, order_id=8801, amount_cents=5000, state="Authorized", **payer_extra
):
    """The `data` of an eventType "Payment" notification (and of GET /v5/payments/{id})."""
    return {
        "order": {
            "id": order_id,
            "date": "2026-01-12T10:40:10.52+01:00",
            "formSlug": "adhesion-2026",
            "formType": "Membership",
            "organizationSlug": "apes-hauts-de-france",
        },
        "payer": payer(**payer_extra),
        "items": [
            {
                "shareAmount": amount_cents,
                "shareItemAmount": amount_cents,
                "id": order_id * 10,
                "amount": amount_cents,
                "type": "Membership",
                "state": "Processed",
                "name": "Adhésion structure 2026",
            }
        ],
        "cashOutState": "MoneyIn",
        "paymentReceiptUrl": f"https://www.helloasso.com/associations/x/paiement/{payment_id}",
        "id": payment_id,
        "amount": amount_cents,
        "date": "2026-01-12T10:40:31.1+01:00",
        "paymentMeans": "Card",
        "installmentNumber": 1,
        "state": state,
        "meta": {
            "createdAt": "2026-01-12T10:40:10+01:00",
            "updatedAt": "2026-01-12T10:40:31+01:00",
        },
    }


def order_data(payment_id=5201, order_id=8801, amount_cents=5000, state="Authorized"):
    """The `data` of an eventType "Order" notification for the same payment."""
    return {
        "payer": payer(),
        "items": [
            {
                "payments": [{"id": payment_id, "shareAmount": amount_cents}],
                "name": "Adhésion structure 2026",
                "user": {"firstName": "Camille", "lastName": "Durand"},
                "priceCategory": "Fixed",
                "customFields": [
                    {
                        "name": "Nom de la structure",
                        "type": "TextInput",
                        "answer": "Les Anges Gardins",
                    },
                    {"name": "Numéro SIRET", "type": "TextInput", "answer": ""},
                ],
                "id": order_id * 10,
                "amount": amount_cents,
                "type": "Membership",
                "state": "Processed",
            }
        ],
        "payments": [
            {
                "id": payment_id,
                "amount": amount_cents,
                "date": "2026-01-12T10:40:31.1+01:00",
                "paymentMeans": "Card",
                "state": state,
            }
        ],
        "amount": {"total": amount_cents, "vat": 0, "discount": 0},
        "id": order_id,
        "date": "2026-01-12T10:40:10.52+01:00",
        "formSlug": "adhesion-2026",
        "formType": "Membership",
        "organizationName": "APES Hauts-de-France",
        "organizationSlug": "apes-hauts-de-france",
    }


def notification(event: str, data: dict) -> bytes:
    return json.dumps({"eventType": event, "data": data}, ensure_ascii=False).encode()


def signed(body: bytes, secret: str = SECRET) -> dict:
    return {"HTTP_X_HA_SIGNATURE": sign(body, secret)}


class FakeHelloAsso:
    """A real HTTP server on 127.0.0.1 that answers like HelloAsso's API."""

    CLIENT_ID, CLIENT_SECRET = "client-tisser", "secret-tisser"

    def __init__(self):
        self.payments: dict[int, dict] = {}
        self.token_requests = 0
        self.requests: list[str] = []
        self.expire_next = False  # answer the next API call with 401 (token revoked)
        self.fail = False  # answer every API call with 500
        self.issued: set[str] = set()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body):
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                if urlparse(self.path).path != "/oauth2/token":
                    return self._send(404, {})
                ok = (
                    form.get("grant_type") == ["client_credentials"]
                    and form.get("client_id") == [fake.CLIENT_ID]
                    and form.get("client_secret") == [fake.CLIENT_SECRET]
                )
                if not ok:
                    return self._send(400, {"error": "unauthorized_client"})
                fake.token_requests += 1
                token = f"token-{fake.token_requests}"
                fake.issued.add(token)
                return self._send(
                    200,
                    {
                        "access_token": token,
                        "refresh_token": "refresh",
                        "token_type": "bearer",
                        "expires_in": 1799,
                    },
                )

            def do_GET(self):
                url = urlparse(self.path)
                fake.requests.append(url.path)
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if fake.fail:
                    return self._send(500, {})
                if token not in fake.issued or fake.expire_next:
                    fake.expire_next = False
                    fake.issued.discard(token)
                    return self._send(401, {"message": "token expired"})
                parts = url.path.strip("/").split("/")
                if parts[:2] == ["v5", "payments"] and len(parts) == 3:
                    found = fake.payments.get(int(parts[2]))
                    return self._send(200, found) if found else self._send(404, {})
                if parts[:2] == ["v5", "organizations"] and parts[3:] == ["payments"]:
                    query = parse_qs(url.query)
                    size = int(query.get("pageSize", ["20"])[0])
                    start = int(query.get("continuationToken", ["0"])[0])
                    rows = sorted(fake.payments.values(), key=lambda p: p["id"])
                    page = rows[start : start + size]
                    return self._send(
                        200,
                        {
                            "data": page,
                            "pagination": {
                                "pageSize": size,
                                "totalCount": len(rows),
                                "continuationToken": str(start + size),
                            },
                        },
                    )
                return self._send(404, {})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
