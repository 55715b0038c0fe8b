#!/usr/bin/env python3
"""Writes S3 server access log objects (AWS's 26-field format) for the usage benchmark.

usage: usage_gen_logs.py DIR LINES OBJECTS SINCE_EPOCH HOURS

LINES requests spread evenly over HOURS hours from SINCE_EPOCH, in OBJECTS files named as AWS
names log objects (YYYY-MM-DD-HH-MM-SS-UNIQUE, the delivery time). Deterministic. Prints the
requests per hour of the window, so the result can be checked.
"""
import os
import random
import sys
import time

OPS = [
    ("REST.GET.OBJECT", "GET", 200, 45),
    ("REST.GET.OBJECT", "GET", 404, 3),
    ("REST.HEAD.OBJECT", "HEAD", 200, 15),
    ("REST.GET.BUCKET", "GET", 200, 12),
    ("REST.PUT.OBJECT", "PUT", 200, 15),
    ("REST.PUT.PART", "PUT", 200, 3),
    ("REST.COPY.OBJECT", "PUT", 200, 3),
    ("REST.DELETE.OBJECT", "DELETE", 204, 4),
]


def main():
    out, lines, objects, since, hours = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    rng = random.Random(42)
    users = ["arn:aws:iam::111122223333:user/user%02d" % i for i in range(20)] + ["-"]
    buckets = ["bucket-%02d" % i for i in range(10)]
    weights = [w for *_, w in OPS]
    os.makedirs(out, exist_ok=True)
    per_object = lines // objects
    span = hours * 3600
    for o in range(objects):
        start = since + span * o // objects
        end = since + span * (o + 1) // objects
        delivered = end + 300
        name = time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime(delivered)) + "-%016X" % rng.getrandbits(64)
        rows = []
        for _ in range(per_object):
            t = rng.randrange(start, end)
            op, method, status, _ = rng.choices(OPS, weights)[0]
            user = rng.choice(users)
            bucket = rng.choice(buckets)
            key = "data/%04d/part-%05d.parquet" % (rng.randrange(1000), rng.randrange(100000))
            size = rng.randrange(1, 50_000_000)
            sent = size if method == "GET" and status == 200 else ("-" if method != "GET" else 243)
            rows.append(
                "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be %s [%s +0000] 10.0.%d.%d %s %016X %s %s "
                '"%s /%s/%s HTTP/1.1" %d %s %s %s %d %d "-" "aws-sdk-java/2.25.60 Linux/5.10" - '
                "s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 "
                "ECDHE-RSA-AES128-GCM-SHA256 AuthHeader %s.s3.us-east-1.amazonaws.com TLSv1.2 - -"
                % (
                    bucket,
                    time.strftime("%d/%b/%Y:%H:%M:%S", time.gmtime(t)),
                    rng.randrange(256),
                    rng.randrange(256),
                    user,
                    rng.getrandbits(64),
                    op,
                    key,
                    method,
                    bucket,
                    key,
                    status,
                    "-" if status < 400 else "NoSuchKey",
                    sent,
                    size if status < 400 else "-",
                    rng.randrange(2, 900),
                    rng.randrange(1, 40),
                    bucket,
                )
            )
        with open(os.path.join(out, name), "w") as f:
            f.write("\n".join(rows) + "\n")
    print(f"{objects} objects, {per_object * objects} lines in {out}")


if __name__ == "__main__":
    main()
