"""Interface strings in Chinese and English, and choosing the interface language."""
from __future__ import annotations

STRINGS = {
    "app_name": {"zh": "海关国际合作档案检索", "en": "Customs Cooperation Archive"},
    "search": {"zh": "搜索", "en": "Search"},
    "search_placeholder": {"zh": "例如：知识产权、哈萨克斯坦、rules of origin", "en": "e.g. rules of origin, Kazakhstan, 知识产权"},
    "query_label": {"zh": "检索词", "en": "Search terms"},
    "results_count": {"zh": "共 {n} 份文件", "en": "{n} documents"},
    "no_results": {"zh": "没有找到匹配的文件。试试更少的检索词，或去掉部分筛选条件。",
                   "en": "No documents match. Try fewer words, or remove a filter."},
    "facet_year": {"zh": "年份", "en": "Year"},
    "facet_partner": {"zh": "合作方", "en": "Partner"},
    "facet_topic": {"zh": "主题", "en": "Topic"},
    "facet_lang": {"zh": "语言", "en": "Language"},
    "lang_zh": {"zh": "中文", "en": "Chinese"},
    "lang_en": {"zh": "英文", "en": "English"},
    "remove_filter": {"zh": "移除筛选", "en": "Remove filter"},
    "start_over": {"zh": "重新开始", "en": "Start over"},
    "page": {"zh": "第 {n} 页", "en": "Page {n}"},
    "prev": {"zh": "上一页", "en": "Previous"},
    "next": {"zh": "下一页", "en": "Next"},
    "undated": {"zh": "日期不详", "en": "undated"},
    "page_abbr": {"zh": "第 {n} 页", "en": "p. {n}"},
    "open_passage": {"zh": "查看原文段落", "en": "Open passage"},
    "also_searched": {"zh": "同时检索：", "en": "Also searched:"},
    "no_expand": {"zh": "只搜原词", "en": "Search only the words typed"},
    "sort": {"zh": "排序", "en": "Sort"},
    "sort_relevance": {"zh": "相关度", "en": "Relevance"},
    "sort_date": {"zh": "最新", "en": "Newest"},
    "passages": {"zh": "段落", "en": "Passages"},
    "document": {"zh": "文件", "en": "Document"},
    "date": {"zh": "日期", "en": "Date"},
    "language": {"zh": "语言", "en": "Language"},
    "partners": {"zh": "合作方", "en": "Partners"},
    "topics": {"zh": "主题", "en": "Topics"},
    "source": {"zh": "来源文件", "en": "Source file"},
    "back_to_search": {"zh": "返回检索", "en": "Back to search"},
    "not_found": {"zh": "找不到该文件。", "en": "No such document."},
    "index_missing": {"zh": "索引尚未建立：请运行 make run 或 python -m indexer build。",
                      "en": "The index has not been built yet: run make run or python -m indexer build."},
    "bad_request": {"zh": "无法处理该检索：{msg}", "en": "This search cannot be run: {msg}"},
    "server_error": {"zh": "出错了，请稍后再试。", "en": "Something went wrong; please try again."},
    "switch_lang": {"zh": "English", "en": "中文"},
    "years_in_passage": {"zh": "年份", "en": "Years"},
}
UI_LANGS = ("zh", "en")


def t(key: str, lang: str, **kwargs) -> str:
    """The string `key` in `lang`, formatted."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    s = entry.get(lang) or entry.get("en") or key
    return s.format(**kwargs) if kwargs else s


def choose_lang(param: str | None, cookie: str | None, accept_language) -> str:
    """The interface language: URL parameter, then cookie, then the browser's Accept-Language."""
    for value in (param, cookie):
        if value in UI_LANGS:
            return value
    best = accept_language.best_match(["zh", "zh-CN", "zh-TW", "zh-HK", "en"], default="en") if accept_language else "en"
    return "zh" if best and best.startswith("zh") else "en"
