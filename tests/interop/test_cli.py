"""aws-cli against the gateway: `aws s3 cp` of a large file (multipart) and back, `ls`,
`rm`, `sync`, and the JSON output of `s3api`."""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from rig_limits import S3S_LISTS_NO_ETAG
from support import list_keys, quoted_md5

MIB = 1024 * 1024
BIG_SIZE = 64 * MIB
CLI_CHUNK = 8 * MIB  # aws-cli's default multipart_chunksize (and threshold)


@pytest.fixture(scope="session")
def big_file(workdir) -> Path:
    path = workdir / "big.bin"
    with open(path, "wb") as out:
        for _ in range(BIG_SIZE // MIB):
            out.write(os.urandom(MIB))
    return path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(MIB), b""):
            digest.update(block)
    return digest.hexdigest()


def expected_multipart_etag(path: Path, chunk: int) -> str:
    digests = []
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(chunk), b""):
            digests.append(hashlib.md5(block).digest())
    return f'"{hashlib.md5(b"".join(digests)).hexdigest()}-{len(digests)}"'


def s3_url(bucket, key: str = "") -> str:
    return f"s3://{bucket.name}/{key}"


def test_cp_large_file_multipart(aws, writer, bucket, prefix, big_file, tmp_path):
    key = prefix + "big.bin"
    aws.run("s3", "cp", str(big_file), s3_url(bucket, key), "--only-show-errors", timeout=240)
    try:
        head = writer.head_object(Bucket=bucket.name, Key=key)
        assert head["ContentLength"] == BIG_SIZE
        assert re.fullmatch(r'"[0-9a-f]{32}-8"', head["ETag"]), head["ETag"]
        assert head["ETag"] == expected_multipart_etag(big_file, CLI_CHUNK)
        assert bucket.data_file(key).stat().st_size == BIG_SIZE

        # s3api head-object's JSON.
        shown = json.loads(aws.run("s3api", "head-object", "--bucket", bucket.name, "--key", key).stdout)
        assert shown["ContentLength"] == BIG_SIZE
        assert shown["ETag"] == head["ETag"]
        assert "LastModified" in shown

        back = tmp_path / "big.back"
        aws.run("s3", "cp", s3_url(bucket, key), str(back), "--only-show-errors", timeout=240)
        assert back.stat().st_size == BIG_SIZE
        assert file_sha256(back) == file_sha256(big_file)
    finally:
        aws.run("s3", "rm", s3_url(bucket, key), "--only-show-errors", check=False)
    assert list_keys(writer, bucket.name, prefix) == []


def make_tree(root: Path) -> dict[str, bytes]:
    files = {
        "a.txt": b"alpha\n",
        "space name.txt": b"spaced\n",
        "sub/b.txt": b"bravo\n" * 100,
        "sub/deeper/c.bin": os.urandom(70_000),
        "sub/deeper/ünï.txt": "unicode\n".encode(),
    }
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files


def tree_files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()
    }


def test_ls_and_rm(aws, writer, bucket, prefix, tmp_path):
    files = make_tree(tmp_path / "tree")
    aws.run("s3", "cp", "--recursive", str(tmp_path / "tree"), s3_url(bucket, prefix), "--only-show-errors")
    assert list_keys(writer, bucket.name, prefix) == sorted(
        (prefix + n for n in files), key=lambda k: k.encode()
    )

    top = aws.run("s3", "ls", s3_url(bucket, prefix)).stdout.splitlines()
    assert sorted(line.strip() for line in top if "PRE" in line) == ["PRE sub/"]
    entries = {}
    for line in top:
        match = re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +(\d+) (.+)", line)
        if match:
            entries[match.group(2)] = int(match.group(1))
    assert entries == {"a.txt": 6, "space name.txt": 7}

    recursive = aws.run("s3", "ls", "--recursive", s3_url(bucket, prefix)).stdout.splitlines()
    listed = {}
    for line in recursive:
        match = re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +(\d+) (.+)", line)
        assert match, line
        listed[match.group(2)] = int(match.group(1))
    assert listed == {prefix + n: len(d) for n, d in files.items()}

    # Buckets the writer can see.
    buckets = aws.run("s3", "ls").stdout
    assert bucket.name in buckets.split()

    aws.run("s3", "rm", s3_url(bucket, prefix + "a.txt"), "--only-show-errors")
    removed = aws.run("s3", "rm", "--recursive", s3_url(bucket, prefix + "sub/"))
    assert sorted(
        line.strip().removeprefix("delete: ") for line in removed.stdout.splitlines() if line.startswith("delete:")
    ) == sorted(s3_url(bucket, prefix + n) for n in files if n.startswith("sub/")), removed.stdout
    assert list_keys(writer, bucket.name, prefix) == [prefix + "space name.txt"]
    aws.run("s3", "rm", "--recursive", s3_url(bucket, prefix), "--only-show-errors")
    assert list_keys(writer, bucket.name, prefix) == []


def test_sync(aws, writer, bucket, prefix, tmp_path):
    source = tmp_path / "source"
    files = make_tree(source)
    aws.run("s3", "sync", str(source), s3_url(bucket, prefix), "--only-show-errors")
    assert list_keys(writer, bucket.name, prefix) == sorted(
        (prefix + n for n in files), key=lambda k: k.encode()
    )
    for name, data in files.items():
        got = writer.get_object(Bucket=bucket.name, Key=prefix + name)
        assert got["Body"].read() == data, name

    # Nothing changed: nothing to do.
    again = aws.run("s3", "sync", "--no-progress", str(source), s3_url(bucket, prefix))
    assert again.stdout.strip() == "", again.stdout

    # Change one file (size), add one, remove one; sync with --delete.
    (source / "a.txt").write_bytes(b"alpha, longer now\n")
    (source / "new.txt").write_bytes(b"new\n")
    (source / "sub" / "b.txt").unlink()
    changed = aws.run("s3", "sync", "--delete", "--no-progress", str(source), s3_url(bucket, prefix))
    actions = sorted(
        line.split(":")[0] + ":" + line.strip().rsplit("/", 1)[-1]
        for line in changed.stdout.splitlines()
        if line.startswith(("upload:", "delete:"))
    )
    assert actions == ["delete:b.txt", "upload:a.txt", "upload:new.txt"], changed.stdout
    assert writer.get_object(Bucket=bucket.name, Key=prefix + "a.txt")["Body"].read() == b"alpha, longer now\n"

    # And back down into an empty directory.
    target = tmp_path / "target"
    target.mkdir()
    aws.run("s3", "sync", s3_url(bucket, prefix), str(target), "--only-show-errors")
    assert tree_files(target) == tree_files(source)
    assert not filecmp.dircmp(source, target).diff_files

    aws.run("s3", "rm", "--recursive", s3_url(bucket, prefix), "--only-show-errors")
    assert list_keys(writer, bucket.name, prefix) == []


def test_s3api_output(rig, aws, writer, bucket, prefix, tmp_path):
    body = b'{"hello": "s3api"}'
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    for name in ("one.json", "dir/two.json", "dir/three.json"):
        writer.put_object(Bucket=bucket.name, Key=prefix + name, Body=body)
    aws.run(
        "s3api",
        "put-object",
        "--bucket", bucket.name,
        "--key", prefix + "meta.json",
        "--body", str(empty),
        "--content-type", "application/json",
        "--metadata", "team=interop,stage=test",
    )

    listed = json.loads(
        aws.run("s3api", "list-objects-v2", "--bucket", bucket.name, "--prefix", prefix).stdout
    )
    assert [item["Key"] for item in listed["Contents"]] == [
        prefix + "dir/three.json",
        prefix + "dir/two.json",
        prefix + "meta.json",
        prefix + "one.json",
    ]
    sizes = {item["Key"]: item["Size"] for item in listed["Contents"]}
    assert sizes[prefix + "one.json"] == len(body)
    assert sizes[prefix + "meta.json"] == 0
    assert all("LastModified" in item for item in listed["Contents"])
    if not rig.lacks(S3S_LISTS_NO_ETAG):
        assert {item["Key"]: item["ETag"] for item in listed["Contents"]}[prefix + "one.json"] == quoted_md5(body)

    grouped = json.loads(
        aws.run(
            "s3api", "list-objects-v2", "--bucket", bucket.name, "--prefix", prefix, "--delimiter", "/"
        ).stdout
    )
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == [prefix + "dir/"]
    assert [item["Key"] for item in grouped["Contents"]] == [prefix + "meta.json", prefix + "one.json"]

    # aws-cli paginates by itself with --page-size.
    paged = json.loads(
        aws.run(
            "s3api", "list-objects-v2", "--bucket", bucket.name, "--prefix", prefix, "--page-size", "1"
        ).stdout
    )
    assert len(paged["Contents"]) == 4

    # --query output.
    count = aws.run(
        "s3api", "list-objects-v2", "--bucket", bucket.name, "--prefix", prefix,
        "--query", "length(Contents)", "--output", "text",
    ).stdout.strip()
    assert count == "4"

    head = json.loads(
        aws.run("s3api", "head-object", "--bucket", bucket.name, "--key", prefix + "meta.json").stdout
    )
    assert head["ContentLength"] == 0
    assert head["ContentType"] == "application/json"
    assert head["Metadata"] == {"team": "interop", "stage": "test"}
    assert head["ETag"] == quoted_md5(b"")

    missing = aws.run("s3api", "head-object", "--bucket", bucket.name, "--key", prefix + "nope", check=False)
    assert missing.returncode != 0
    assert "404" in missing.stderr, missing.stderr
