#!/usr/bin/env python3
"""Copies the ComfyUI 0.3.64 captures from ../shared/reference into the repository as data.

Keeps names, types, defaults, ranges, combo lists and every key (so JSON shapes stay exact);
drops prose: tooltips and descriptions become "", tracebacks become one placeholder line.

usage: python3 tools/trim-captures.py [path to comfyui-captures]
"""
import gzip
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "reference", "comfyui-captures")

PROSE_KEYS = {"tooltip", "description"}


def strip(value):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in PROSE_KEYS and isinstance(item, str):
                out[key] = ""
            elif key == "output_tooltips" and isinstance(item, list):
                out[key] = [None if t is None else "" for t in item]
            elif key == "traceback" and isinstance(item, list):
                out[key] = ["  (traceback omitted)\n"] if item else []
            else:
                out[key] = strip(item)
        return out
    if isinstance(value, list):
        return [strip(item) for item in value]
    return value


def write(path, data):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, separators=(",", ":"), ensure_ascii=True)
        f.write("\n")


object_info = json.load(gzip.open(os.path.join(src, "object_info.json.gz")))
write(os.path.join(root, "FluxAspire.ComfySim", "Data", "object_info.json"), strip(object_info))

probe = json.load(open(os.path.join(src, "probe.json"), encoding="utf-8"))
write(os.path.join(root, "FluxAspire.Tests", "TestData", "comfyui-captures", "probe.json"), strip(probe))
print("wrote object_info.json and probe.json")
