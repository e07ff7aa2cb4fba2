"""The dashboard's pages and forms over HTTP (in process, both engines; the browser test drives them for real): a
page without a token sends the browser to /login and back; every form needs its CSRF token and the page's own
origin, and the send form's key makes a double post one message; retry and cancel answer with a notice, also when
the state does not allow them; the filters and pages read the store; hostile input gets a 4xx, never a 500."""

from __future__ import annotations

import re

from tgfleet.fleet import Fleet

from ..fleet.helpers import populate
from ..service.helpers import Api, in_process


async def csrf_of(api: Api, headers: dict[str, str]) -> str:
    page = await api.client.get("/outbox", headers=headers)
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert page.status_code == 200 and found is not None, page.text
    return found.group(1)


async def test_a_page_without_a_token_goes_to_login_and_back(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet, in_process(fleet) as api:
        page = await api.client.get("/outbox?state=sent")
        assert page.status_code == 303 and page.headers["location"] == "/login?next=/outbox%3Fstate%3Dsent"
        form = await api.client.get(page.headers["location"])
        assert 'name="next" value="/outbox?state=sent"' in form.text
        signed = await api.client.post("/login", data={"token": api.tokens["read"], "next": "/outbox?state=sent"})
        assert signed.status_code == 303 and signed.headers["location"] == "/outbox?state=sent"
        assert (await api.client.get("/outbox?state=sent")).status_code == 200  # the cookie now
        bad = await api.client.get("/accounts", headers={"Authorization": "Bearer nope"})
        assert bad.status_code == 303 and bad.headers["location"].startswith("/login")
        reader = api.auth("read")  # a read token may look but not send
        refused = await api.client.post("/outbox/send", headers=reader, data={"csrf": await csrf_of(api, reader)})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"


async def test_forms_need_their_csrf_token_and_origin(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet, in_process(fleet) as api:
        await populate(fleet, 1)
        headers = api.auth("send")
        fields = {"key": "form-1", "account": "acct0", "peer": "@bob", "text": "hi"}
        missing = await api.client.post("/outbox/send", headers=headers, data=fields)
        assert missing.status_code == 403 and missing.json()["error"]["code"] == "csrf"
        other_token = await csrf_of(api, api.auth("operate"))  # another token's form token
        wrong = await api.client.post("/outbox/send", headers=headers, data={**fields, "csrf": other_token})
        assert wrong.status_code == 403
        csrf = await csrf_of(api, headers)
        foreign = await api.client.post("/outbox/send", data={**fields, "csrf": csrf},
                                        headers={**headers, "Origin": "http://evil.example"})  # fmt: skip
        assert foreign.status_code == 403 and foreign.json()["error"]["code"] == "cross_origin"
        assert await fleet.outbox.list() == []
        for _ in range(2):  # the same form posted twice: one message
            sent = await api.client.post("/outbox/send", headers={**headers, "Origin": "http://tgfleet.test"},
                                         data={**fields, "csrf": csrf})  # fmt: skip
            assert sent.status_code == 303, sent.text
        [message] = await fleet.outbox.list()
        assert (message.peer, message.text, message.account) == ("@bob", "hi", "acct0")
        assert sent.headers["location"].endswith(f"#m{message.id}") and "queued+already" in sent.headers["location"]
        empty = await api.client.post("/outbox/send", headers=headers, data={**fields, "text": "", "csrf": csrf})
        assert empty.status_code == 303 and "missing+text" in empty.headers["location"]
        stranger = {**fields, "key": "form-2", "account": "nobody", "csrf": csrf}
        unknown = await api.client.post("/outbox/send", headers=headers, data=stranger)
        assert unknown.status_code == 303 and "not+sent" in unknown.headers["location"]
        assert len(await fleet.outbox.list()) == 1


async def test_retry_and_cancel_forms(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet, in_process(fleet) as api:
        await populate(fleet, 1)
        message = await fleet.outbox.send(peer="@bob", text="x", account="acct0")
        headers = api.auth("operate")
        csrf = await csrf_of(api, headers)
        page = await api.client.get("/outbox", headers=headers)
        assert f'action="/outbox/{message.id}/cancel"' in page.text  # queued: cancellable
        done = await api.client.post(f"/outbox/{message.id}/cancel", headers=headers, data={"csrf": csrf})
        assert done.status_code == 303 and "cancelled" in done.headers["location"]
        assert (await fleet.outbox.get(message.id)).state.value == "cancelled"
        again = await api.client.post(f"/outbox/{message.id}/cancel", headers=headers, data={"csrf": csrf})
        assert again.status_code == 303 and "not+done" in again.headers["location"]
        retried = await api.client.post(f"/outbox/{message.id}/retry", headers=headers, data={"csrf": csrf})
        assert retried.status_code == 303 and (await fleet.outbox.get(message.id)).state.value == "queued"
        nothing = await api.client.post("/outbox/999/retry", headers=headers, data={"csrf": csrf})
        assert nothing.status_code == 303 and "not+done" in nothing.headers["location"]
        sender = api.auth("send")  # sending does not allow cancelling
        refused = await api.client.post(f"/outbox/{message.id}/cancel", headers=sender,
                                        data={"csrf": await csrf_of(api, sender)})  # fmt: skip
        assert refused.status_code == 403


async def test_pages_read_the_store(store_url: str) -> None:
    async with Fleet.open(store_url) as fleet, in_process(fleet) as api:
        await populate(fleet, 3)
        await fleet.accounts.disable("acct1", reason="maintenance window")
        headers = api.auth("read")
        listed = await api.client.get("/accounts", headers=headers)
        assert all(f'id="a-acct{i}"' in listed.text for i in range(3))
        disabled = await api.client.get("/accounts?state=disabled", headers=headers)
        assert re.findall(r'id="a-(\w+)"', disabled.text) == ["acct1"]
        shown = await api.client.get("/accounts/acct1", headers=headers)
        assert "maintenance window" in shown.text and "Why it waits" in shown.text
        assert (await api.client.get("/accounts/nobody", headers=headers)).status_code == 404
        assert (await api.client.get("/workers", headers=headers)).status_code == 200
        for hostile in ("/accounts?state=" + "x" * 100, "/accounts/" + "y" * 100, "/outbox?after=-1",
                        "/static/../app.py", "/outbox?state=nonsense"):  # fmt: skip
            answer = await api.client.get(hostile, headers=headers)
            assert answer.status_code in (200, 404, 422), (hostile, answer.status_code)
        assert (await api.client.get("/static/live.js")).headers["content-type"].startswith("text/javascript")


async def test_the_send_form_is_posted_by_the_form_on_the_page(store_url: str) -> None:
    """The form's fields are the ones the send route reads (a renamed field would silently send nothing)."""
    async with Fleet.open(store_url) as fleet, in_process(fleet) as api:
        await populate(fleet, 1)
        headers = api.auth("send")
        page = (await api.client.get("/outbox", headers=headers)).text
        form = re.search(r'<form method="post" action="/outbox/send".*?</form>', page, re.S)
        assert form is not None
        names = set(re.findall(r'name="(\w+)"', form.group(0)))
        assert names == {"csrf", "key", "account", "peer", "text"}
        values = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(0)))
        data = {**values, "account": "acct0", "peer": "@carol", "text": "from the form"}
        sent = await api.client.post("/outbox/send", headers=headers, data=data)
        assert sent.status_code == 303
        [message] = await fleet.outbox.list()
        assert message.idempotency_key == f"dashboard:{values['key']}"
