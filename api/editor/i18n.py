"""Words of the editor pages in Chinese (first) and English, beside the reading pages' own."""

from __future__ import annotations

from typing import Any

from casebook.api.pages.i18n import Words

STRINGS: dict[str, tuple[str, str]] = {
    "signin.title": ("编辑登录", "Editor sign-in"),
    "signin.intro": ("培训师登录后可以新建和修改案例、理论和话术，保存后几秒内即可被搜索到。",
                     "Trainers sign in to add and change cases, theories and scripts; a save is searchable "
                     "within seconds."),
    "signin.name": ("用户名", "Name"),
    "signin.password": ("密码", "Password"),
    "signin.submit": ("登录", "Sign in"),
    "signin.or_key": ("或者使用管理员发给您的编辑密钥", "Or use the editor key your administrator gave you"),
    "signin.key": ("编辑密钥", "Editor key"),
    "signin.submit_key": ("用密钥登录", "Sign in with the key"),
    "signin.failed": ("用户名、密码或密钥不正确。", "The name, password or key is not right."),
    "signin.expired": ("页面已过期，请再试一次。", "The page had expired; please try again."),
    "signin.off": ("本服务器没有开启编辑。管理员可以设置 CASEBOOK_EDITOR_KEYS，或用 casebook editor-user 命令添加用户。",
                   "Editing is off on this server. Its administrator sets CASEBOOK_EDITOR_KEYS or adds "
                   "users with `casebook editor-user`."),
    "signout": ("退出", "Sign out"),
    "signed_in_as": ("已登录：", "Signed in as "),
    "home.title": ("编辑资料库", "Edit the library"),
    "home.intro": ("选择要修改的条目，或新建一个。保存即发布：检查通过后立即写入资料库，并记录修改人。",
                   "Pick an item to change, or add one. Saving publishes: once the checks pass the "
                   "change is written to the library, with your name on it."),
    "home.filter": ("按标题或编号筛选", "Filter by title or id"),
    "home.drafts": ("待审草稿", "Drafts to review"),
    "home.drafts_intro": ("这些条目由导入生成，还有字段没有审核，读者搜不到它们。逐项检查后保存即发布。",
                          "Imported items with fields still to review; readers cannot find them yet. "
                          "Check each field and save to publish."),
    "home.to_review": ("待审字段", "To review"),
    "new.case": ("新建案例", "New case"),
    "new.theory": ("新建理论", "New theory"),
    "new.script": ("新建话术", "New script"),
    "edit": ("编辑", "Edit"),
    "view": ("查看", "View"),
    "edit.title": ("编辑：", "Edit: "),
    "edit.back": ("返回列表", "Back to the list"),
    "sec.basics": ("基本信息", "Basics"),
    "sec.source": ("出处", "Source"),
    "sec.annotations": ("标注", "Annotations"),
    "sec.links": ("关联的理论与话术", "Linked theories and scripts"),
    "sec.body": ("正文", "Text"),
    "f.id": ("编号", "Id"),
    "f.id.hint": ("小写英文字母、数字和连字符，例如 case-gd2027-late-fee-waiver；保存后不能修改。",
                  "Lower-case letters, digits and hyphens, e.g. case-gd2027-late-fee-waiver; fixed once saved."),
    "f.type": ("类型", "Type"),
    "f.kind": ("细分", "Kind"),
    "f.none": ("（不填）", "(none)"),
    "f.title": ("标题（中文）", "Title (Chinese)"),
    "f.title_en": ("标题（英文）", "Title (English)"),
    "f.summary": ("摘要（中文）", "Summary (Chinese)"),
    "f.summary_en": ("摘要（英文）", "Summary (English)"),
    "f.source.document": ("来源文件", "Source document"),
    "f.source.title": ("来源标题", "Source title"),
    "f.source.section": ("章节", "Section"),
    "f.theories": ("运用的理论", "Theories it illustrates"),
    "f.scripts": ("适用的话术", "Scripts that fit"),
    "f.body.hint": ("Markdown 格式；保留出处原文，编者的话放在“编者按”一节。",
                    "Markdown; keep the source's wording, and put your own words under a 编者按 section."),
    "f.message": ("修改说明（可选）", "What changed (optional)"),
    "f.message.placeholder": ("例如：补充结果，修正错别字", "e.g. add the outcome, fix a typo"),
    "picker.filter": ("筛选，或输入新词后按回车", "Filter, or type a new term and press Enter"),
    "picker.filter_fixed": ("筛选", "Filter"),
    "picker.none": ("尚未选择", "None chosen"),
    "picker.new": ("新增的词", "New terms"),
    "picker.in_use": ("资料库已用的词", "Terms the library uses"),
    "picker.remove": ("移除", "Remove"),
    "tab.write": ("编辑", "Write"),
    "tab.preview": ("预览", "Preview"),
    "review.title": ("待核对的建议字段", "Suggested fields to review"),
    "review.intro": ("这些字段是导入时自动建议的。逐项核对、修改，然后勾选。", "These fields were suggested at import. "
                     "Check and correct each one, then tick it."),
    "review.done": ("已核对", "Reviewed"),
    "review.badge": ("建议值，待核对", "suggested, to review"),
    "check.title": ("检查", "Checks"),
    "check.idle": ("修改后会自动检查。", "Checked as you type."),
    "check.running": ("正在检查……", "Checking…"),
    "check.ok": ("没有问题，可以发布。", "No problems: ready to publish."),
    "check.problems": ("个问题需要修改：", "problem(s) to fix:"),
    "check.need_id": ("先填写编号，才能检查。", "Fill in the id to check the item."),
    "check.failed": ("暂时无法检查：", "Could not check: "),
    "save": ("保存并发布", "Save and publish"),
    "saving": ("正在保存……", "Saving…"),
    "saved": ("已保存并发布。", "Saved and published."),
    "saved.searchable": ("已可搜索。", "It is searchable now."),
    "saved.later": ("搜索索引正在更新，稍后即可搜到。", "The search index is updating; it will be searchable shortly."),
    "saved.open": ("查看条目", "Open the item"),
    "saved.unchanged": ("内容没有变化，无需保存。", "Nothing changed; nothing was saved."),
    "save.invalid": ("还有问题，未保存。请先修改标出的地方。", "Not saved: fix the problems marked first."),
    "save.conflict": ("其他人已修改了这个条目。您的文字仍在本页；请在新标签页打开最新版本，把您的修改合并进去后重新载入。",
                      "Someone else changed this item. Your text is still on this page: open the latest "
                      "version in a new tab, carry your changes over, then reload."),
    "save.conflict.open": ("在新标签页打开最新版本", "Open the latest version in a new tab"),
    "save.exists": ("已有条目使用这个编号，请换一个。", "An item already has this id; choose another."),
    "save.signin": ("登录已失效。您的文字仍在本页；请在新标签页重新登录后再保存。",
                    "Your sign-in has ended. Your text is still on this page: sign in again in a new tab, "
                    "then save."),
    "save.failed": ("保存失败：", "Not saved: "),
    "unsaved": ("有未保存的修改", "Unsaved changes"),
    "general": ("整体", "The item"),
    "import.link": ("导入文档", "Import documents"),
    "import.title": ("导入 Word、PowerPoint 或 PDF 文档", "Import Word, PowerPoint or PDF documents"),
    "import.intro": ("上传文档后，每个案例成为一份草稿，原文照录，客户号码已遮盖，标注是自动建议的。"
                     "打开草稿，逐项核对建议字段并勾选，然后保存发布。上传本身不会写入资料库。",
                     "Upload documents: each case in them becomes a draft, its wording verbatim, customers' "
                     "numbers masked, its annotations suggested. Open a draft, check and tick each suggested "
                     "field, then save to publish. Uploading writes nothing to the library."),
    "import.files": ("选择文件（.docx、.pptx、.pdf、.html、.md、.txt，可多选）",
                     "Choose files (.docx, .pptx, .pdf, .html, .md, .txt; several at once)"),
    "import.submit": ("上传并生成草稿", "Upload and make drafts"),
    "import.running": ("正在读取文档……", "Reading the documents…"),
    "import.none_chosen": ("请先选择文件。", "Choose a file first."),
    "import.too_big": ("所选文件共 {size} MB，超过上限 {limit} MB：请把文档拆成几份，或压缩其中的图片后再上传。",
                       "The files chosen come to {size} MB, over the limit of {limit} MB: split the document, "
                       "or compress its pictures, and upload again."),
    "import.failed": ("导入失败：", "Import failed: "),
    "import.drafts": ("份草稿", "draft(s)"),
    "import.document": ("来源文件：", "From: "),
    "import.review": ("待核对：", "To review: "),
    "import.reviewed": ("无待核对字段", "Nothing to review"),
    "import.open": ("在编辑器中打开", "Open in the editor"),
    "import.repeats": ("资料库已有这段文字，多半不必再发布：", "The library already holds this text, so it is likely not new: "),
    "import.problems": ("无法导入的文件", "Files that could not be imported"),
    "import.unplaced": ("不属于任何案例的文字（未导入）", "Text that belongs to no case (not imported)"),
    "import.earlier": ("上次上传的草稿（仅保存在本浏览器标签页中）", "Drafts of the last upload (kept in this browser tab only)"),
}

_REVIEW_ZH = f"逐项核对后，在“{STRINGS['review.title'][0]}”中勾选“{STRINGS['review.done'][0]}”。"
_REVIEW_EN = f"Check each, then tick “{STRINGS['review.done'][1]}” under “{STRINGS['review.title'][1]}”."

# Each code of casebook/problem_codes.py as a trainer reads it beside the form's fields: the facts of
# the English message (`{name}`: a fact; `{field}`, `{line}`: where), in the form's words, no YAML.
PROBLEMS: dict[str, tuple[str, str]] = {
    "not-utf8": ("文件不是 UTF-8 编码的文字（第 {line} 行）：请用 UTF-8 保存。",
                 "The file is not UTF-8 text (line {line}): save it as UTF-8."),
    "no-front-matter": ("条目开头缺少字段部分：文件须以一行 --- 开始。",
                        "The item's fields are missing: the file must start with a --- line."),
    "front-matter-yaml": ("条目的字段部分写法有误（第 {line} 行）：{reason}",
                          "The item's fields cannot be read (line {line}): {reason}"),
    "front-matter-empty": ("条目的字段部分是空的，或没有以一行 --- 结束。",
                           "The item's fields are empty or not closed by a --- line."),
    "field-missing": ("此项必须填写。", "This must be filled in."),
    "field-empty": ("此项不能为空。", "This cannot be empty."),
    "field-unknown": ("“{field}”不是条目的字段，请删去。", "“{field}” is not a field of an item: remove it."),
    "field-choice": ("请从可选项中选择：{expected}", "Choose one of: {expected}"),
    "field-invalid": ("填写的内容不符合要求：{detail}", "Not a valid value: {detail}"),
    "duplicate-id": ("编号 {id} 已被另一个条目（{other}）使用，请换一个编号。",
                     "The id {id} is already used by another item ({other}): choose another."),
    "wrong-folder": ("{type}的文件应放在 {folder}/ 文件夹里：请管理员移动这个文件。",
                     "Items of this type belong in the {folder}/ folder: ask the administrator to move the file."),
    "file-name-not-id": ("文件名必须与编号一致：请管理员把文件改名为 {id}.md。",
                         "The file name must be the id: ask the administrator to rename the file {id}.md."),
    "body-empty": ("正文是空的：请粘贴或填写原文。", "The text is empty: paste or write the source's text."),
    "link-missing": ("资料库里没有编号为 {target} 的条目：请从列表中重新选择，或去掉这个关联。",
                     "No item has the id {target}: pick one from the list again, or remove this link."),
    "link-wrong-type": ("{target} 是{type}，不是{wanted}：请去掉这个关联。",
                        "{target} is a {type}, not a {wanted}: remove this link."),
    "link-to-draft": ("关联的 {target} 还是待审草稿，读者看不到它：请先审核并发布它，或去掉这个关联。",
                      "{target} is a draft still to review, which readers cannot see: review and publish it "
                      "first, or remove this link."),
    "theory-links": ("理论条目不需要关联：案例和话术会指向理论，反向关联自动生成。请去掉这里的关联。",
                     "A theory lists no links: cases and scripts point to it, and the links back appear by "
                     "themselves. Remove these."),
    "outcome-not-case": ("只有案例才有结果，请清空此项。", "Only a case has an outcome: clear it."),
    "scripts-not-case": ("只有案例才列出适用的话术，请去掉这里的话术。", "Only a case lists scripts: remove them here."),
    "fields-to-review": ("还有建议字段没有核对：{fields}。" + _REVIEW_ZH,
                         "Suggested fields not checked yet: {fields}. " + _REVIEW_EN),
    "placeholder": ("还留着草稿的占位文字 {placeholder}：请换成实际内容。",
                    "Still holds the draft's placeholder {placeholder}: replace it with the real text."),
    "personal-number": ("含有客户的电话或身份证号码：请遮盖中间的数字（如 {example}）。",
                        "Holds a customer's phone or ID number: mask its middle digits (as in {example})."),
    "page-chrome": ("正文里残留页眉、页脚或页码等版面文字：“{phrase}”，请删去。",
                    "Page furniture (a header, footer or page number) left in the text: “{phrase}”; delete it."),
    "broken-chars": ("正文里有乱码（如 �）：请对照原文改正。",
                     "Garbled characters (such as �) in the text: correct them from the source."),
    "stub-tag-alone": ("标签“{tag}”表示原文残缺：请在正文末尾加一节“{heading}”，说明原文在哪里中断。",
                       "The tag “{tag}” marks a cut-off source: add a section “{heading}” at the end of the "
                       "text saying where the source breaks off."),
    "stub-section-alone": ("正文中的“{heading}”一节表示原文残缺：请加上标签“{tag}”。",
                           "The section “{heading}” marks a cut-off source: add the tag “{tag}”."),
    "misnamed-product": ("{name} 是产品“{product}”的另一种英文叫法：请写 {write}。",
                         "{name} is another English name of {product}: write {write}."),
    "not-fixed": ("未能自动改正：{reason}", "Not fixed: {reason}"),
    "term-unknown": ("词表里没有“{term}”（相近的词：{closest}）：请从列表中选择，或请管理员把它加入词表。",
                     "“{term}” is not in the vocabulary (closest: {closest}): pick a term from the list, or "
                     "ask the administrator to add it."),
    "term-repeated": ("“{term}”与已选的“{concept}”意思相同，请删去。",
                      "“{term}” means the same as “{concept}”, already chosen: remove it."),
    "term-synonym": ("“{term}”是“{canonical}”的另一种说法：请改用“{canonical}”。",
                     "“{term}” is another word for “{canonical}”: use “{canonical}”."),
    "id-not-valid": ("“{id}”不能用作编号：只能用小写英文字母、数字和连字符（-）。",
                     "“{id}” cannot be an id: use lower-case letters, digits and hyphens."),
    "id-not-url": ("编号必须是 {id}：条目保存后编号不能修改。", "The id must be {id}: an id cannot change once saved."),
    "vocabulary-missing": ("资料库没有词表文件（playbook/vocabulary.yaml），情境、产品和标签无法检查。",
                           "The library has no vocabulary file (playbook/vocabulary.yaml): situations, products "
                           "and tags are not checked."),
    "vocabulary-not-utf8": ("词表文件不是 UTF-8 编码的文字（第 {line} 行）：请用 UTF-8 保存。",
                            "The vocabulary file is not UTF-8 text (line {line}): save it as UTF-8."),
    "vocabulary-yaml": ("词表文件写法有误（第 {line} 行）：{reason}",
                        "The vocabulary file cannot be read (line {line}): {reason}"),
    "vocabulary-empty": ("词表文件是空的。", "The vocabulary file is empty."),
    "vocabulary-shape": ("词表文件应由这几节组成：{sections}。", "The vocabulary file must consist of the sections {sections}."),
    "vocabulary-section-unknown": ("词表里没有“{section}”这一节；可用的节：{sections}。",
                                   "The vocabulary has no section “{section}”; the sections are {sections}."),
    "vocabulary-section-twice": ("词表中“{section}”一节出现了两次。",
                                 "The section “{section}” appears twice in the vocabulary."),
    "vocabulary-section-not-list": ("词表中“{section}”一节应是一组词条。",
                                    "The vocabulary's “{section}” section must be a list of entries."),
    "vocabulary-entry-invalid": ("词表的 {entry} 有误：{detail}", "The vocabulary's {entry} is not valid: {detail}"),
    "vocabulary-id-twice": ("词表中编号 {id} 用了两次。", "The id {id} is used twice in the vocabulary."),
    "vocabulary-family-unknown": ("词表中 {id} 所属的类别 {family} 不存在。",
                                  "The family {family} of {id} is not in the vocabulary."),
    "vocabulary-family-missing": ("词表中的情境 {id} 需要一个类别（可选：{families}）。",
                                  "The situation {id} needs a family (one of: {families})."),
    "vocabulary-term-empty": ("词表中 {id} 有一个空的词，请删去。", "{id} in the vocabulary has an empty term: remove it."),
    "vocabulary-term-twice": ("词表中“{term}”同时属于两个概念：{owners}；一个词只能属于一个概念。",
                              "“{term}” belongs to two concepts in the vocabulary: {owners}; a term belongs to one."),
}

# Why an uploaded file could not be imported (the `reason` of an import problem), for the import page.
IMPORT_REASONS: dict[str, tuple[str, str]] = {
    "empty": ("文件是空的，没有内容。", "The file is empty."),
    "encrypted": ("文件设了密码：请在 Word、PowerPoint 或 PDF 软件里去掉密码，再上传。",
                  "The file is protected by a password: remove the password in Word, PowerPoint or your PDF "
                  "program, then upload it again."),
    "image-only": ("这个 PDF 只有图片（可能是扫描件），没有可以复制的文字：请上传原来的 Word 文件，或先做文字识别（OCR）。",
                   "This PDF holds only pictures (a scan?), no text to copy: upload the original Word file, or "
                   "run text recognition (OCR) on it first."),
    "not-a-document": ("无法识别为可以导入的文档。可以导入 Word（.docx）、PowerPoint（.pptx）、带文字的 PDF、网页、"
                       "Markdown 和文本文件；旧版 .doc 或 .ppt 文件请先另存为 .docx 或 .pptx。",
                       "Not a document casebook can import. It reads Word (.docx), PowerPoint (.pptx), PDF with "
                       "text, web pages, Markdown and text files; save an old .doc or .ppt file as .docx or .pptx "
                       "first."),
    "no-text": ("文件里没有可以做成案例的正文（只有表格，或没有文字）。",
                "The file holds no running text to make a case of (only a table, or no text)."),
    "damaged": ("文件已损坏，无法读取：请在原来的软件里重新保存或导出，再上传。",
                "The file is damaged and cannot be read: save or export it again in its program, then upload it."),
    "exists": ("同名的草稿或条目已经存在。", "A draft or item with that name exists already."),
}

STRINGS.update({f"problem.{code}": pair for code, pair in PROBLEMS.items()})
STRINGS.update({f"import.reason.{reason}": pair for reason, pair in IMPORT_REASONS.items()})
STRINGS.update({
    "problem.line": ("第 {n} 行：", "Line {n}: "),
    "problem.join": ("、", ", "),
    "problem.none": ("无", "none"),
})

# The words (keys above, or the reading pages') that name each front-matter field, so the lists of
# fields to review (form, editor home, import page) show a trainer the form's labels, not YAML keys.
FIELD_WORDS = {"id": "f.id", "type": "f.type", "kind": "f.kind", "title": "f.title", "title_en": "f.title_en",
               "summary": "f.summary", "summary_en": "f.summary_en", "source": "sec.source",
               "source.document": "f.source.document", "source.title": "f.source.title",
               "source.section": "f.source.section",
               "situations": "ann.situations", "segments": "ann.segments", "channels": "ann.channels",
               "products": "ann.products", "outcome": "ann.outcome", "tags": "ann.tags",
               "theories": "f.theories", "scripts": "f.scripts", "body": "sec.body", "review": "review.title",
               "file": "general", "front_matter": "general"}


class EditorWords(Words):
    """The reading pages' words plus the editor's."""

    def __call__(self, key: str, **values: Any) -> str:
        pair = STRINGS.get(key)
        if pair is None:
            return super().__call__(key, **values)
        text = pair[self._index]
        return text.format(**values) if values else text

    def field(self, name: str) -> str:
        """A front-matter field as the form labels it (the key itself for one the form does not know)."""
        return self(FIELD_WORDS[name]) if name in FIELD_WORDS else name

    def helpers(self) -> dict[str, Any]:
        return {**super().helpers(), "field_name": self.field}

    def script_words(self) -> dict[str, str]:
        """The words the editor's script shows (save results, checks), for its JSON data block."""
        keys = [k for k in STRINGS if k.split(".")[0] in ("check", "save", "saved", "saving", "picker", "unsaved",
                                                          "general", "review", "import", "problem")]
        types = {f"type.{name}": self(f"type.{name}") for name in ("case", "theory", "script")}
        return {**{key: self(key) for key in keys}, **{f"field.{name}": self.field(name) for name in FIELD_WORDS},
                **types}
