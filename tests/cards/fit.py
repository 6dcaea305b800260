"""How a card fits a width, measured in Microsoft's Adaptive Cards renderer in Chromium.

`WIDTHS`: Teams desktop's chat card (540 px, the card's own padding included) and a
360 px phone. At each width the renderer gets the host config Teams uses (the Adaptive
Cards designer's "Microsoft Teams (light)" values: fonts, spacing, padding, fact sets,
actions), with the action buttons stacked on the phone as Teams mobile shows them.
Chromium here has no Segoe UI: text falls back to DejaVu Sans, which is wider, so a card
that fits here fits in Teams.

`FIT` lists, for the card rendered in #host:
- "header": a table header cell taller than one line of its text;
- "word": a word of any text (table cells, headers, facts, paragraphs) wider than its
  text block, so the browser breaks it mid-word (a break after a hyphen is allowed);
- "overflow": an element whose content is wider than its box (scrollWidth >
  clientWidth: cut off, scrolled or ellipsised, action buttons included), or that
  pokes out of the card.

adaptivecards 3.0.6 does not implement `targetWidth` (it is not in its source: every
element shows at every width), so the cards do not use it: a layout must read well at
any width as sent."""

from __future__ import annotations

from typing import Any

TEAMS_DESKTOP_PX = 540
PHONE_PX = 360
WIDTHS = (TEAMS_DESKTOP_PX, PHONE_PX)

_FONT = "'Segoe UI', Tahoma, Geneva, Verdana, sans-serif"
_MONO = "'Courier New', Courier, monospace"
_SIZES = {"small": 12, "default": 14, "medium": 14, "large": 18, "extraLarge": 24}


# Teams' colours (the same in every container style; only the backgrounds differ).
_COLORS = {name: {"default": default, "subtle": subtle} for name, default, subtle in (
    ("default", "#ff252424", "#bf252424"), ("dark", "#252424", "#bf252424"),
    ("light", "#ffffff", "#fff3f2f1"), ("accent", "#6264a7", "#8b8cc7"),
    ("good", "#92c353", "#e592c353"), ("warning", "#f8d22a", "#e5f8d22a"),
    ("attention", "#c4314b", "#e5c4314b"))}
_BACKGROUNDS = {"default": "#ffffff", "emphasis": "#fff9f8f7", "accent": "#C7DEF9",
                "good": "#CCFFCC", "attention": "#FFC5B2", "warning": "#FFE2B2"}


def host_config(width: int) -> dict[str, Any]:
    """Teams' host config; on a phone the buttons are stacked, one a line."""
    phone = width < TEAMS_DESKTOP_PX
    return {
        "supportsInteractivity": True,
        "spacing": {"small": 8, "default": 12, "medium": 16, "large": 20, "extraLarge": 24,
                    "padding": 16},
        "separator": {"lineThickness": 1, "lineColor": "#EEEEEE"},
        "fontTypes": {kind: {"fontFamily": family, "fontSizes": _SIZES,
                             "fontWeights": {"lighter": 200, "default": 400, "bolder": 600}}
                      for kind, family in (("default", _FONT), ("monospace", _MONO))},
        "textStyles": {"heading": {"fontType": "default", "size": "large",
                                   "weight": "bolder", "color": "default",
                                   "isSubtle": False}},
        "actions": {"maxActions": 6, "spacing": "Default", "buttonSpacing": 8,
                    "actionsOrientation": "Vertical" if phone else "Horizontal",
                    "actionAlignment": "Stretch" if phone else "Left"},
        "adaptiveCard": {"allowCustomStyle": False},
        "containerStyles": {style: {"backgroundColor": background, "foregroundColors": _COLORS}
                            for style, background in _BACKGROUNDS.items()},
        "factSet": {"title": {"size": "Default", "weight": "Bolder", "wrap": True},
                    "value": {"size": "Default", "weight": "Default", "wrap": True},
                    "spacing": 16},
    }


# Teams' buttons: 32 px high, 14 px semibold, 12 px of padding each side.
PAGE = f"""<html><head><style>
body {{ margin: 0; background: #fff; }}
#host {{ box-sizing: border-box; }}
.ac-pushButton {{ font: 600 14px {_FONT}; padding: 0 12px; min-height: 32px;
                 border: 1px solid #d1d1d1; border-radius: 4px; background: #fff; }}
</style></head><body><div id="host"></div></body></html>"""

# Teams shows card text as markdown: a name's escapes (Saint\-Louis) are not drawn.
# The renderer draws the raw text without a markdown processor; this one keeps the text
# as text (HTML-escaped) and drops the escapes, as Teams shows them.
MARKDOWN = r"""() => {
  AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
    const html = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/\\([!-\/:-@\[-`{-~])/g, "$1");
    result.outputHtml = "<p>" + html + "</p>";
    result.didProcess = true;
  };
}"""

RENDER_AT = """([json, config, width]) => {
  const host = document.getElementById("host");
  host.style.width = width + "px";
  host.innerHTML = "";
  const card = new AdaptiveCards.AdaptiveCard();
  card.hostConfig = new AdaptiveCards.HostConfig(config);
  card.parse(json, new AdaptiveCards.SerializationContext());
  const element = card.render();
  if (element) host.appendChild(element);
  return element ? element.outerHTML.length : 0;
}"""

FIT = r"""() => {
  const out = [];
  const root = document.querySelector("#host .ac-adaptiveCard");
  if (!root) return [{check: "overflow", text: "nothing rendered"}];
  const shown = (el) => (el.innerText || el.textContent || "").trim().replace(/\s+/g, " ")
    .slice(0, 80);
  const edge = root.getBoundingClientRect().right;
  // 1. nothing wider than its box, nothing out of the card (the innermost element only)
  const wide = [];
  for (const el of [root, ...root.querySelectorAll("*")]) {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
      wide.push([el, `${el.scrollWidth} px of content in ${el.clientWidth} px`]);
    else if (el.getBoundingClientRect().right > edge + 1 && shown(el))
      wide.push([el, `its right edge ${Math.ceil(el.getBoundingClientRect().right - edge)} ` +
                     "px out of the card"]);
  }
  for (const [el, detail] of wide)
    if (!wide.some(([other]) => other !== el && el.contains(other)))
      out.push({check: "overflow", text: shown(el), detail});
  // 2. no word wider than the text block it is in (it would break mid-word)
  const probe = document.createElement("span");
  probe.style.cssText = "white-space:nowrap;position:absolute;visibility:hidden";
  document.body.appendChild(probe);
  const breakable = /[ \t\n\r\f\u1680\u2000-\u2006\u2008-\u200a\u205f\u3000]+/;
  for (const block of root.querySelectorAll(".ac-textBlock, .ac-richTextBlock")) {
    const room = block.getBoundingClientRect().width;
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const style = getComputedStyle(node.parentElement);
      probe.style.font = style.font;
      probe.style.letterSpacing = style.letterSpacing;
      for (const token of node.textContent.split(breakable)) {
        for (const word of token.split(/(?<=[-\u2010\u2013])/)) {  // may break after a hyphen
          if (!word) continue;
          probe.textContent = word;
          const width = probe.getBoundingClientRect().width;
          if (width > room + 0.5)
            out.push({check: "word", text: word,
                      detail: `${Math.ceil(width)} px wide in ${Math.floor(room)} px`});
        }
      }
    }
  }
  probe.remove();
  // 3. a table header cell is one line high
  for (const cell of root.querySelectorAll('[role="columnheader"]')) {
    for (const block of cell.querySelectorAll(".ac-textBlock")) {
      const style = getComputedStyle(block);
      const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.4;
      const height = block.getBoundingClientRect().height;
      if (block.innerText.trim() && height > line * 1.5)
        out.push({check: "header", text: shown(block),
                  detail: `${Math.round(height)} px high, one line is ${line} px`});
    }
  }
  return out;
}"""


def problems_text(name: str, width: int, found: list[dict[str, str]]) -> list[str]:
    """One line a problem: the card, the width, what and where."""
    return [f"{name} at {width} px: {p['check']} {p.get('text', '')!r} "
            f"({p.get('detail', '')})" for p in found]
