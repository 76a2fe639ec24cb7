"""Formats a workbook's column D from row 2 down as "#,##0" in the office's own locale,
as a user does with Format > Cells, and saves it as xlsx: the step before an
English-locale CSV save of the fund ledger (tests/corpus/README.md).

Run with the system Python that has LibreOffice's `uno` module, against an office
started as `soffice --headless --accept="socket,host=localhost,port=2002;urp;"`:

    /usr/bin/python3 group_thousands.py IN.xlsx OUT.xlsx
"""

import os
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.lang import Locale


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def main(src, dst):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    for _ in range(100):
        try:
            ctx = resolver.resolve(
                "uno:socket,host=localhost,port=2002;urp;StarOffice.ComponentContext"
            )
            break
        except Exception:
            time.sleep(0.2)
    else:
        sys.exit("no office answers on port 2002")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    url = uno.systemPathToFileUrl(os.path.abspath(src))
    doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
    formats = doc.NumberFormats
    # An empty Locale is the office's own: "800,000" in en-US, "800.000" in vi-VN.
    key = formats.queryKey("#,##0", Locale(), False)
    if key == -1:
        key = formats.addNew("#,##0", Locale())
    doc.Sheets.getByIndex(0).getCellRangeByName("D2:D1000").NumberFormat = key
    out = uno.systemPathToFileUrl(os.path.abspath(dst))
    doc.storeToURL(out, (prop("FilterName", "Calc MS Excel 2007 XML"),))
    doc.close(True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
