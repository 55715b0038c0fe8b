#!/usr/bin/env python3
"""Answers GET /admin/usage with one response of ENTRIES usage entries, for the benchmark.

usage: usage_rgw_server.py ENTRIES SINCE_EPOCH HOURS PORT_FILE

Entries are (user, bucket, hour) triples with five categories each, in the JSON shape of
Ceph RGW 16 (see ceph/NOTES.md). The signature is not checked: this measures s3scope's
parsing, aggregation and writing, not the gateway. Writes the port to PORT_FILE.
"""
import http.server
import json
import sys
import time

CATEGORIES = ["get_obj", "put_obj", "list_bucket", "delete_obj", "copy_obj"]


def response(entries, since, hours):
    users = max(1, entries // (hours * 100))
    out, n = [], 0
    for u in range(users):
        buckets = []
        for b in range(100):
            for h in range(hours):
                if n == entries:
                    break
                epoch = since + 3600 * h
                cats = [
                    {"category": c, "bytes_sent": (n * 7 + i) % 100000, "bytes_received": (n * 3 + i) % 50000,
                     "ops": 1 + (n + i) % 50, "successful_ops": (n + i) % 50}
                    for i, c in enumerate(CATEGORIES)
                ]
                buckets.append({"bucket": "bucket-%03d" % b, "time": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(epoch)), "epoch": epoch,
                                "owner": "user-%04d" % u, "categories": cats})
                n += 1
        out.append({"user": "user-%04d" % u, "buckets": buckets})
        if n == entries:
            break
    return json.dumps({"entries": out, "summary": []}).encode()


def main():
    entries, since, hours, port_file = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    body = response(entries, since, hours)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file, "w") as f:
        f.write(str(server.server_address[1]))
    print(f"{entries} entries, {len(body)} bytes, port {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
