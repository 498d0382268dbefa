"""Site chrome in plain text: navigation, language switchers, phone numbers, copyright blocks.

Web pages saved as text keep their menus at the top and their copyright, address and
disclaimer blocks at the bottom. Those lines are trimmed from both ends of a document (and
obvious one-line chrome from anywhere) so that titles, tags and excerpts come from the text.
"""
from __future__ import annotations

import re

_CHROME = re.compile(
    r"版权所有|版权声明|ICP备|ICP证|网站地图|网站留言|设为首页|加为收藏|联系我们|免责声明|当前位置|您现在的位置|"
    r"公网安备|Copyright|All Rights Reserved|Current Location|Privacy Policy|Terms of Use|Sitemap|"
    r"Share this|分享到|扫一扫|微信公众号|返回顶部|Back to top|打印本页|关闭窗口|【打印】|【关闭】|"
    r"^责任编辑[:：]|^\(?编辑[:：]|尽在.{0,12}(APP|客户端)|下载.{0,8}客户端",
    re.IGNORECASE,
)
# Words of disclaimers and reprint notices ("凡本网注明…转载…授权…").
_NOTICE = re.compile(r"本网|本站|转载|授权|版权|著作权|摘编|侵权|法律责任|不代表本网|联系方式|邮编|地址[:：]|电话[:：]|传真|E-?mail|邮箱")
# a heading line, not prose: "…联合声明的会议总结。重点地区…" is a sentence that names a statement
_NOTICE_HEADING = re.compile(r"^[^。，,！？!?；;]{0,30}(声明|版权|免责|Disclaimer|Copyright|Legal notice)[^。，,！？!?；;]{0,20}[:：]?$", re.I)
_PHONE = re.compile(r"^[\s()（）+\-\d]{7,}$")
_LANG_SWITCH = re.compile(r"^(简体中文|繁體中文|中文|English|EN|CN)(\s*[|｜/]\s*(简体中文|繁體中文|中文|English|EN|CN))+$", re.I)
_MENU_SEP = re.compile(r"\s[|>»*·]\s")


def is_chrome(line: str) -> bool:
    """True for a line that is site navigation or a notice, not document text."""
    s = line.strip()
    if not s:
        return False
    if _PHONE.match(s) or _LANG_SWITCH.match(s) or _CHROME.search(s):
        return True
    # breadcrumbs and menus: several short items between separators
    parts = _MENU_SEP.split(s)
    if len(parts) >= 3 and all(len(p.strip()) <= 30 for p in parts) and not re.search(r"[。.!?]$", s):
        return True
    return False


def _is_notice(line: str) -> bool:
    s = line.strip()
    hits = len(_NOTICE.findall(s))
    return is_chrome(s) or hits >= 2 or (hits == 1 and len(s) < 60)


def strip_chrome(text: str) -> str:
    """Remove leading navigation, trailing notice blocks and chrome lines anywhere."""
    lines = text.splitlines()
    # Leading: menus, breadcrumbs, phone numbers before the first real line.
    start = 0
    while start < len(lines) and (not lines[start].strip() or is_chrome(lines[start])):
        start += 1
    # Trailing: a block made only of notices in the last part of the document.
    end = len(lines)
    content_idx = [i for i in range(start, end) if lines[i].strip()]
    if content_idx:
        cut = end
        floor = content_idx[int(len(content_idx) * 0.5)] if len(content_idx) > 3 else content_idx[-1]
        for i in reversed(content_idx):
            if i < floor or not _is_notice(lines[i]):
                break
            cut = i
        # A notice heading ("…版权…声明:") opens a block that runs to the end.
        for i in content_idx:
            if i >= floor and _NOTICE_HEADING.match(lines[i].strip()):
                cut = min(cut, i)
                break
        end = cut
    kept = [ln for ln in lines[start:end] if not is_chrome(ln)]
    return "\n".join(kept).strip("\n")
