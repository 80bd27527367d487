"""Library calls that no longer exist, and lists that name the same column twice.

A notebook written five years ago reads fine and fails on today's libraries: `df.append` left
pandas in 2.0, `as_matrix` in 1.0, `sklearn.cross_validation` in 0.20. Blind reviewers named such
calls in one reason of six ("it fails on current pandas"), and no linter we use knows them: ruff
knows NumPy's removals (NPY001, NPY201) and none of pandas' or scikit-learn's. The tables below
hold only what was *removed* (an error today), never what is merely deprecated, each with the
release that removed it and what to write instead.

The cell walk (`facts._walk`) notes the few nodes worth a look (attributes named in the tables
or telling a pandas object, imports, calls passing a watched keyword, `name = call(...)`, string
lists); this module decides. Nothing here runs code, so a receiver's type is inferred: methods
only pandas lost count on names the notebook makes with pandas, uses as only pandas objects
are used, or computes from such a name; the others are listed only when no common type still
has them with that call shape (`.iteritems()` is gone from both pandas and Python 3's dict;
pandas' `.get_value()` is not listed, Keras' backend still has one, nor `.to_sparse()`, which
PyTorch tensors have).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from nbcoach.core.model import Finding, Notebook

# The first use costs as a likely bug does (the cell fails today); further ones are the same
# porting job, and cost a little each.
DEFICIT, STEP, CAP = 25.0, 5.0, 40.0
DUPLICATE_ITEM_DEFICIT = 5.0


@dataclass(frozen=True, slots=True)
class Gone:
    what: str  # as the reader writes it
    removed: str  # library and release
    instead: str


# Methods. Those in PANDAS_ONLY count only on a name the notebook binds to a DataFrame or
# Series (`df = pd.read_csv(...)`): SciPy's `Rotation.as_matrix()`, polars' and Spark's
# `sort(by=)` and pandas' own `MultiIndex.sortlevel()` still exist.
METHODS: Mapping[str, Gone] = {
    "as_matrix": Gone(
        "`.as_matrix()`", "pandas 1.0", "`.to_numpy()` (`df[columns].to_numpy()` for some columns)"
    ),
    "ix": Gone("`.ix[]`", "pandas 1.0", "`.loc[]` (labels) or `.iloc[]` (positions)"),
    "iteritems": Gone("`.iteritems()`", "pandas 2.0 and Python 3 dicts", "`.items()`"),
    "itervalues": Gone("`.itervalues()`", "Python 3 dicts", "`.values()`"),
    "iterkeys": Gone("`.iterkeys()`", "Python 3 dicts", "`.keys()`"),
    "has_key": Gone("`.has_key(k)`", "Python 3 dicts", "`k in d`"),
    "sortlevel": Gone("`.sortlevel()`", "pandas 1.0", "`.sort_index(level=...)`"),
    "convert_objects": Gone("`.convert_objects()`", "pandas 1.0", "`.infer_objects()`"),
    "reindex_axis": Gone("`.reindex_axis()`", "pandas 1.0", "`.reindex()`"),
    "get_dtype_counts": Gone("`.get_dtype_counts()`", "pandas 1.0", "`.dtypes.value_counts()`"),
    "tshift": Gone("`.tshift()`", "pandas 2.0", "`.shift(freq=...)`"),
    "fit_generator": Gone("`.fit_generator()`", "Keras 3", "`.fit()`"),
    "predict_generator": Gone("`.predict_generator()`", "Keras 3", "`.predict()`"),
}

PANDAS_ONLY = frozenset(
    {
        "as_matrix",
        "ix",
        "sortlevel",
        "convert_objects",
        "reindex_axis",
        "get_dtype_counts",
        "tshift",
    }
)
# Attributes only pandas objects have among the data libraries notebooks use (not polars,
# Spark, NumPy or SciPy): a name used with one is a DataFrame or Series whatever made it
# (`df = kg.io.load(...)`, then `df.iloc[0]`).
PANDAS_EVIDENCE = frozenset(
    {"iloc", "loc", "to_csv", "reset_index", "set_index", "pivot_table", "iterrows", "itertuples"}
    | {"isnull", "notnull"}
)

# Names reached from a module, after its import alias is resolved (`pd.np` is `pandas.np`).
QUALIFIED: Mapping[str, Gone] = {
    "pandas.np": Gone("`pd.np`", "pandas 2.0", "`import numpy as np`"),
    "pandas.datetime": Gone("`pd.datetime`", "pandas 2.0", "`import datetime`"),
    "pandas.Panel": Gone("`pd.Panel`", "pandas 1.0", "a DataFrame with a MultiIndex"),
    "pandas.TimeGrouper": Gone("`pd.TimeGrouper`", "pandas 1.0", "`pd.Grouper(freq=...)`"),
    "pandas.scatter_matrix": Gone(
        "`pd.scatter_matrix`", "pandas 1.0", "`pd.plotting.scatter_matrix`"
    ),
    "pandas.rolling_mean": Gone("`pd.rolling_mean`", "pandas 0.23", "`.rolling(n).mean()`"),
    "pandas.rolling_std": Gone("`pd.rolling_std`", "pandas 0.23", "`.rolling(n).std()`"),
    "pandas.rolling_sum": Gone("`pd.rolling_sum`", "pandas 0.23", "`.rolling(n).sum()`"),
    "pandas.ewma": Gone("`pd.ewma`", "pandas 0.23", "`.ewm(...).mean()`"),
    "pandas.Int64Index": Gone("`pd.Int64Index`", "pandas 2.0", "`pd.Index(..., dtype='int64')`"),
    "pandas.Float64Index": Gone(
        "`pd.Float64Index`", "pandas 2.0", "`pd.Index(..., dtype='float64')`"
    ),
    "pandas.DataFrame.from_items": Gone(
        "`DataFrame.from_items()`", "pandas 1.0", "`DataFrame.from_dict()`"
    ),
    "pandas.datetools": Gone("`pd.datetools`", "pandas 1.0", "`pd.tseries.offsets`"),
    "time.clock": Gone("`time.clock()`", "Python 3.8", "`time.perf_counter()`"),
    "string.maketrans": Gone("`string.maketrans`", "Python 3", "`str.maketrans`"),
    "string.letters": Gone("`string.letters`", "Python 3", "`string.ascii_letters`"),
    "os.getcwdu": Gone("`os.getcwdu()`", "Python 3", "`os.getcwd()`"),
    "tensorflow.Session": Gone("`tf.Session`", "TensorFlow 2", "eager code or `tf.function`"),
    "tensorflow.placeholder": Gone("`tf.placeholder`", "TensorFlow 2", "function arguments"),
    "sklearn.datasets.load_boston": Gone(
        "`load_boston`", "scikit-learn 1.2", "`fetch_california_housing` or another data set"
    ),
    "sklearn.datasets.fetch_mldata": Gone("`fetch_mldata`", "scikit-learn 0.22", "`fetch_openml`"),
    "sklearn.preprocessing.Imputer": Gone(
        "`preprocessing.Imputer`", "scikit-learn 0.22", "`sklearn.impute.SimpleImputer`"
    ),
    "scipy.misc.imread": Gone("`scipy.misc.imread`", "SciPy 1.2", "`imageio.imread`"),
    "scipy.misc.imresize": Gone("`scipy.misc.imresize`", "SciPy 1.3", "`PIL.Image.resize`"),
    "scipy.misc.comb": Gone("`scipy.misc.comb`", "SciPy 1.3", "`scipy.special.comb`"),
    "scipy.misc.factorial": Gone(
        "`scipy.misc.factorial`", "SciPy 1.3", "`scipy.special.factorial`"
    ),
}

# Modules that are gone (an import of them, or of anything inside them, fails).
MODULES: Mapping[str, Gone] = {
    "sklearn.cross_validation": Gone(
        "`sklearn.cross_validation`", "scikit-learn 0.20", "`sklearn.model_selection`"
    ),
    "sklearn.grid_search": Gone(
        "`sklearn.grid_search`", "scikit-learn 0.20", "`sklearn.model_selection`"
    ),
    "sklearn.learning_curve": Gone(
        "`sklearn.learning_curve`", "scikit-learn 0.20", "`sklearn.model_selection`"
    ),
    "sklearn.externals.joblib": Gone(
        "`sklearn.externals.joblib`", "scikit-learn 0.23", "`import joblib`"
    ),
    "sklearn.externals.six": Gone("`sklearn.externals.six`", "scikit-learn 0.23", "Python 3"),
    "pandas.tools": Gone("`pandas.tools`", "pandas 0.25", "`pandas.plotting` / `pd.merge`"),
    "pandas.io.data": Gone("`pandas.io.data`", "pandas 0.19", "`pandas_datareader`"),
    "pandas.stats": Gone("`pandas.stats`", "pandas 0.23", "`statsmodels`"),
    "gensim.models.wrappers": Gone(
        "`gensim.models.wrappers`",
        "gensim 4.0",
        "gensim's own models (`KeyedVectors.load_word2vec_format` for saved vectors)",
    ),
    "tensorflow.contrib": Gone("`tf.contrib`", "TensorFlow 2", "the TF 2 APIs or TF Addons"),
    "imp": Gone("`imp`", "Python 3.12", "`importlib`"),
}

# Keyword arguments that are gone from one callable (`lgb.train(..., early_stopping_rounds=)`).
_CALLBACKS = "callbacks=[lgb.early_stopping(n), lgb.log_evaluation(n), lgb.record_evaluation(d)]"
KEYWORDS: Mapping[tuple[str, str], Gone] = {
    ("lightgbm.train", "early_stopping_rounds"): Gone(
        "`lgb.train(early_stopping_rounds=)`", "LightGBM 4.0", f"`{_CALLBACKS}`"
    ),
    ("lightgbm.train", "verbose_eval"): Gone(
        "`lgb.train(verbose_eval=)`", "LightGBM 4.0", f"`{_CALLBACKS}`"
    ),
    ("lightgbm.train", "evals_result"): Gone(
        "`lgb.train(evals_result=)`", "LightGBM 4.0", f"`{_CALLBACKS}`"
    ),
    ("lightgbm.cv", "early_stopping_rounds"): Gone(
        "`lgb.cv(early_stopping_rounds=)`", "LightGBM 4.0", f"`{_CALLBACKS}`"
    ),
    ("lightgbm.cv", "verbose_eval"): Gone(
        "`lgb.cv(verbose_eval=)`", "LightGBM 4.0", f"`{_CALLBACKS}`"
    ),
    ("pandas.to_datetime", "coerce"): Gone("`coerce=`", "pandas 0.17", "`errors='coerce'`"),
    ("pandas.concat", "join_axes"): Gone("`join_axes=`", "pandas 1.0", "`.reindex(...)`"),
    ("numpy.histogram", "normed"): Gone("`np.histogram(normed=)`", "NumPy 1.24", "`density=`"),
    ("matplotlib.pyplot.hist", "normed"): Gone(
        "`plt.hist(normed=)`", "Matplotlib 3.1", "`density=`"
    ),
    ("gensim.models.Word2Vec", "size"): Gone("`Word2Vec(size=)`", "gensim 4.0", "`vector_size=`"),
    ("gensim.models.Word2Vec", "iter"): Gone("`Word2Vec(iter=)`", "gensim 4.0", "`epochs=`"),
    ("gensim.models.word2vec.Word2Vec", "size"): Gone(
        "`Word2Vec(size=)`", "gensim 4.0", "`vector_size=`"
    ),
    ("gensim.models.word2vec.Word2Vec", "iter"): Gone(
        "`Word2Vec(iter=)`", "gensim 4.0", "`epochs=`"
    ),
}
# What the cell walk notes besides attributes: calls passing one of these keywords.
WATCHED_KEYWORDS = frozenset(keyword for _, keyword in KEYWORDS)

# `df.sort(...)` with a keyword only DataFrame.sort had (list.sort takes key/reverse, NumPy's
# axis/kind/order): pandas 0.20 removed it.
_PANDAS_SORT_KEYWORDS = frozenset({"columns", "ascending", "inplace", "na_position"})
SORT = Gone("`.sort(columns=...)`", "pandas 0.20", "`.sort_values(...)`")
APPEND = Gone(
    "`df = df.append(...)`", "pandas 2.0 (and `list.append` returns None)", "`pd.concat([...])`"
)

# What the cell walk notes: attributes named here (cheap to test on every attribute node).
WATCHED_ATTRIBUTES = frozenset(
    set(METHODS)
    | {name.rsplit(".", 1)[1] for name in (*QUALIFIED, *MODULES) if "." in name}
    | {"sort"}
    | PANDAS_EVIDENCE
)


@dataclass(frozen=True, slots=True)
class ApiUse:
    """A node the walk noted, with the node holding it (a call's attribute needs its call)."""

    cell: int
    node: ast.AST
    parent: ast.AST


@dataclass(frozen=True, slots=True)
class Hit:
    cell: int
    line: int
    gone: Gone


def removed_api_findings(
    notebook: Notebook,
    uses: Iterable[ApiUse],
    bindings: Iterable[tuple[str, ast.expr | None]],
) -> list[Finding]:
    """One finding for the notebook's first removed call, naming the others; each distinct one
    adds STEP to its cost (a port is one job, but a longer one). `bindings`: each assignment
    at the notebook level as (name, value)."""
    uses = list(uses)
    aliases = _aliases(use.node for use in uses)
    inner = [
        (node.targets[0].id, node.value)
        for node in (use.node for use in uses)
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    ]  # bindings inside functions too (the cell facts hold the notebook level)
    pandas = _pandas_names(uses, [*bindings, *inner], aliases)
    hits = sorted(
        (hit for use in uses for hit in _hits(use, aliases, pandas)),
        key=lambda hit: (hit.cell, hit.line),
    )
    if not hits:
        return []
    distinct = list({hit.gone.what: hit for hit in hits}.values())
    first = hits[0]
    others = "; ".join(
        f"{hit.gone.what} (cell {hit.cell}: {hit.gone.instead})" for hit in distinct[1:4]
    )
    more = f" and {len(distinct) - 4} more" if len(distinct) > 4 else ""
    message = f"{first.gone.what} was removed in {first.gone.removed}: use {first.gone.instead}" + (
        f"; also gone: {others}{more}" if others else ""
    )
    return [
        Finding(
            "removed-api",
            message,
            notebook.location(first.cell, first.line),
            "lint",
            "error",
            min(CAP, DEFICIT + STEP * (len(distinct) - 1)),
            "removed-api",
            related=tuple(notebook.location(hit.cell, hit.line) for hit in hits[1:]),
        )
    ]


# Where a list of strings names columns or features (a data list may repeat on purpose:
# `{"city": ["NY", "LA", "NY"]}`, a palette).
_NAME_KEYWORDS = frozenset(
    {"usecols", "columns", "subset", "cols", "names", "features", "by", "index", "values"}
)
_NAME_METHODS = frozenset(
    {"isin", "drop", "reindex", "filter", "set_index", "sort_values", "groupby", "drop_duplicates"}
    | {"dropna", "pivot_table", "melt"}
)
_NAME_TARGET = re.compile(r"col|feat|field|keep|drop|select|order|header|var|attr|key", re.I)


def names_columns(node: ast.List, parent: ast.AST) -> bool:
    """Whether the list stands where column or feature names go."""
    if isinstance(parent, ast.Subscript):
        return parent.slice is node  # `df[["a", "b"]]`
    if isinstance(parent, ast.keyword):
        return parent.arg in _NAME_KEYWORDS
    if isinstance(parent, ast.Call):
        func = parent.func
        return isinstance(func, ast.Attribute) and func.attr in _NAME_METHODS
    if isinstance(parent, (ast.Assign, ast.AnnAssign)):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        return any(isinstance(t, ast.Name) and _NAME_TARGET.search(t.id) for t in targets)
    return False


def duplicate_item_findings(
    notebook: Notebook, lists: Iterable[tuple[int, ast.List, ast.AST]]
) -> list[Finding]:
    """A list of three or more names naming one twice where column or feature names go: a
    column exported twice, a feature counted twice. Usually a paste slip."""
    findings = []
    for cell, node, parent in lists:
        if not names_columns(node, parent):
            continue
        seen: set[str] = set()
        for element in node.elts:
            value = element.value if isinstance(element, ast.Constant) else None
            if not isinstance(value, str):
                break
            if value in seen:
                findings.append(
                    Finding(
                        "duplicate-item",
                        f"'{value}' appears twice in this list of {len(node.elts)} names",
                        notebook.location(cell, node.lineno),
                        "lint",
                        "warning",
                        DUPLICATE_ITEM_DEFICIT,
                        f"duplicate-item:{value}",
                    )
                )
                break
            seen.add(value)
    return findings


def is_string_list(node: ast.List) -> bool:
    """Worth keeping for `duplicate_item_findings`: three or more elements, all strings of two
    characters or more (a list of letters or tokens repeats them on purpose)."""
    return len(node.elts) >= 3 and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) and len(e.value) > 1
        for e in node.elts
    )


def passes_watched_keyword(node: ast.Call) -> bool:
    return any(k.arg in WATCHED_KEYWORDS for k in node.keywords)


def is_call_binding(node: ast.Assign) -> bool:
    """`name = something(...)`, in a function or not: what made a DataFrame, or an append."""
    return (
        len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Call)
    )


def _is_append(node: ast.Assign) -> bool:
    value = node.value
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "append"
    )


def _aliases(nodes: Iterable[ast.AST]) -> dict[str, str]:
    """Bound name -> the dotted name it stands for (`pd` -> `pandas`, `Imputer` ->
    `sklearn.preprocessing.Imputer`)."""
    aliases: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    aliases[head] = head
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.name != "*":
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _dotted(node: ast.expr, aliases: Mapping[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in aliases:
        return None
    return ".".join([aliases[node.id], *reversed(parts)])


def _hits(use: ApiUse, aliases: Mapping[str, str], pandas: set[str]) -> list[Hit]:
    node, parent, cell = use.node, use.parent, use.cell
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        if isinstance(parent, (ast.Try, ast.ExceptHandler)):
            return []  # `try: import new / except ImportError: import old` runs today
        return [Hit(cell, node.lineno, gone) for gone in _gone_imports(node)]
    if isinstance(node, ast.Assign):  # `x = y.append(...)`: a DataFrame's, not NumPy's or a list's
        if not _is_append(node):
            return []
        appended = node.value
        assert isinstance(appended, ast.Call) and isinstance(appended.func, ast.Attribute)
        receiver = appended.func.value
        if isinstance(receiver, ast.Name) and receiver.id in pandas:
            return [Hit(cell, node.lineno, APPEND)]
        return []
    if isinstance(node, ast.Call):  # a keyword one callable no longer takes
        called = _dotted(node.func, aliases) or ""
        removed = [KEYWORDS.get((called, k.arg or "")) for k in node.keywords]
        return [Hit(cell, node.lineno, g) for g in removed if g is not None]
    if not isinstance(node, ast.Attribute) or not isinstance(node.ctx, ast.Load):
        return []  # `self.ix = 0` is the notebook's own attribute
    line = node.end_lineno or node.lineno  # in a chain, the line of the attribute itself
    call = parent if isinstance(parent, ast.Call) and parent.func is node else None
    reached = _dotted(node, aliases)
    if reached is not None:
        gone = QUALIFIED.get(reached) or next(
            (g for m, g in MODULES.items() if reached == m or reached.startswith(f"{m}.")), None
        )
        # otherwise a module's own name (`np.sort`, `K.set_value`)
        return [Hit(cell, line, gone)] if gone is not None else []
    on_pandas = _root(node.value) in pandas
    if node.attr == "sort":
        if (
            on_pandas
            and call is not None
            and any(k.arg in _PANDAS_SORT_KEYWORDS for k in call.keywords)
        ):
            return [Hit(cell, line, SORT)]
        return []
    gone = METHODS.get(node.attr)
    if gone is None or (node.attr in PANDAS_ONLY and not on_pandas):
        return []
    if gone.what.endswith("()`") and call is None:
        return []  # `obj.iteritems` not called may be anything's attribute
    return [Hit(cell, line, gone)]


def _pandas_names(
    uses: list[ApiUse],
    bindings: list[tuple[str, ast.expr | None]],
    aliases: Mapping[str, str],
) -> set[str]:
    """Names bound to a DataFrame or Series: made by pandas (`pd.read_csv`, `pd.merge`), used
    as only pandas objects are (`.iloc`), or computed from such a name (`top = df[df.x > 0]`)."""
    # not facts' kinds: they go by the function's name (`pl.read_csv` makes no pandas frame)
    pandas = {
        _root(use.node.value)
        for use in uses
        if isinstance(use.node, ast.Attribute) and use.node.attr in PANDAS_EVIDENCE
    }
    made = {name for name, value in bindings if _made_by_pandas(value, aliases)}
    pandas |= made
    for _ in range(len(bindings)):  # chains of names computed from names, to a fixed point
        derived = {
            name for name, value in bindings if value is not None and _frame_root(value) in pandas
        }
        if derived <= pandas:
            break
        pandas |= derived
    pandas.discard("")
    return pandas


def _made_by_pandas(value: ast.expr | None, aliases: Mapping[str, str]) -> bool:
    """`pd.read_csv(...)`, and the methods called on what it made, rows or columns taken:
    `pd.read_csv(path).fillna('')` is a DataFrame as much as the frame it was read into."""
    node = value
    while True:
        if isinstance(node, ast.Subscript):
            node = node.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Call | ast.Subscript)
        ):
            node = node.func.value
        else:
            break
    return isinstance(node, ast.Call) and (_dotted(node.func, aliases) or "").startswith("pandas.")


def _frame_root(node: ast.expr) -> str:
    """The name a DataFrame expression is computed from, through rows or columns taken
    (`df[mask]`) and methods called (`df.groupby(k).sum()`); "" through a bare attribute
    (`df.index` is an Index, `df.values` an array)."""
    while True:
        if isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            node = node.func.value
        else:
            return node.id if isinstance(node, ast.Name) else ""


def _root(node: ast.expr) -> str:
    """The name an expression starts from: `df` in `df[cols].groupby(k).sum()`."""
    while True:
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return node.id if isinstance(node, ast.Name) else ""


def _gone_imports(node: ast.Import | ast.ImportFrom) -> list[Gone]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif node.module and not node.level:
        names = [node.module] + [f"{node.module}.{a.name}" for a in node.names if a.name != "*"]
    else:
        return []
    found: list[Gone] = []
    for name in names:
        gone = QUALIFIED.get(name) or next(
            (g for module, g in MODULES.items() if name == module or name.startswith(f"{module}.")),
            None,
        )
        if gone is not None and gone not in found:
            found.append(gone)
    return found
