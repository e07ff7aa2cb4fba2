"""``tgfleet login --sandbox-info`` driven through stdin, then ``me`` and ``send`` with the saved session."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tgfleet.cli import main

from .helpers import CliProcess, start_sandbox


def test_login_then_me_and_send(tmp_path: Path) -> None:
    with start_sandbox(tmp_path, "+15550800001:Ann:ann_login:pa:ss", "+15550800002:Ben:ben_login") as sandbox:
        args = ["login", "--sandbox-info", "info.json", "--session", "ann", "--workdir", "sessions"]
        with CliProcess(*args, cwd=tmp_path, stdin=True) as login:
            login.expect(r"its console prints every login code")
            login.send("+1 555 080 0001")
            code = sandbox.expect(r"login code for \+15550800001 \(Ann\): (\d{5})").group(1)
            login.send(code)
            login.send("pa:ss")  # the 2FA password (':' inside it survived the --user flag)
            found = login.expect(r"Logged in as Ann \(@ann_login\), id (\d+); session saved to (\S+)")
            assert login.wait() == 0, login.stderr()
        assert (tmp_path / "sessions" / "ann.session").exists()
        assert (tmp_path / "sessions" / "ann.network.json").exists()  # me/send find the sandbox again

        runner = CliRunner()
        common = ["--session", "ann", "--workdir", str(tmp_path / "sessions")]
        me = runner.invoke(main, ["me", *common])
        assert me.exit_code == 0, me.output
        assert f"Ann (@ann_login)\nid: {found.group(1)}\nphone: +15550800001" in me.stdout
        sent = runner.invoke(main, ["send", *common, "@ben_login", "hello from the CLI"])
        assert sent.exit_code == 0, sent.output
        assert "sent message" in sent.stdout and "to @ben_login" in sent.stdout
        again = runner.invoke(main, ["send", *common, "me", "a note to myself"])
        assert again.exit_code == 0 and "to me" in again.stdout
        assert sandbox.terminate() == 0


def test_me_without_a_session_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["me", "--session", "nobody", "--workdir", str(tmp_path)])
    assert result.exit_code == 2
    assert "run `tgfleet login --session nobody` first" in result.stderr


def test_login_to_telegram_needs_api_credentials(tmp_path: Path) -> None:
    result = CliRunner(env={"TGFLEET_API_ID": None, "TGFLEET_API_HASH": None}).invoke(
        main, ["login", "--workdir", str(tmp_path)]
    )
    assert result.exit_code == 2 and "needs --api-id and --api-hash" in result.stderr


def test_sandbox_addresses_need_a_key(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["login", "--sandbox", "127.0.0.1:1", "--workdir", str(tmp_path)])
    assert result.exit_code == 2 and "--sandbox needs --sandbox-key FILE" in result.stderr
