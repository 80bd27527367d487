"""Calls today's libraries no longer have, and string lists naming one item twice."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from helpers import analyse, only
from nbcoach.analysis import removed_api
from nbcoach.analysis.scoring import score_findings
from nbcoach.core.config import Config

FRAME = "import pandas as pd\nframe = pd.read_csv('x.csv')\n"


def removed(cells: list[str]) -> list[str]:
    return [f.message for f in analyse(cells).findings if f.rule == "removed-api"]


@pytest.mark.parametrize(
    ("code", "gone"),
    [
        ("import pandas as pd\ndf = pd.DataFrame()\ndf = df.append(df)", "`df = df.append(...)`"),
        (f"{FRAME}m = frame[['a']].as_matrix()", "`.as_matrix()`"),
        (  # a frame read and cleaned in one chain is a frame (seen in the quora repository)
            "import pandas as pd\ndf = pd.read_csv('t.csv').fillna('')\nm = df[['q']].as_matrix()",
            "`.as_matrix()`",
        ),
        (f"{FRAME}row = frame.ix[0]", "`.ix[]`"),
        ("for k, v in frame.iteritems():\n    pass", "`.iteritems()`"),
        (f"{FRAME}frame.sort(columns='total', ascending=False)", "`.sort(columns=...)`"),
        ("import tensorflow as tf\nlayer = tf.contrib.layers.dense", "`tf.contrib`"),
        ("import pandas as pd\nzeros = pd.np.zeros(3)", "`pd.np`"),
        ("import pandas\nzeros = pandas.np.zeros(3)", "`pd.np`"),
        ("from sklearn.cross_validation import train_test_split", "`sklearn.cross_validation`"),
        ("from sklearn import grid_search", "`sklearn.grid_search`"),
        ("import sklearn.externals.joblib as joblib", "`sklearn.externals.joblib`"),
        ("from sklearn.preprocessing import Imputer", "`preprocessing.Imputer`"),
        ("from gensim.models.wrappers import FastText", "`gensim.models.wrappers`"),
        (
            "import lightgbm as lgb\nm = lgb.train({}, d, early_stopping_rounds=5)",
            "`lgb.train(early_stopping_rounds=)`",
        ),
        (
            "import lightgbm\nm = lightgbm.train({}, d, evals_result=r, callbacks=[])",
            "`lgb.train(evals_result=)`",
        ),
        ("import numpy as np\nh = np.histogram(v, normed=True)", "`np.histogram(normed=)`"),
        ("from gensim.models import Word2Vec\nm = Word2Vec(s, size=100)", "`Word2Vec(size=)`"),
        ("import pandas as pd\nt = pd.to_datetime(s, coerce=True)", "`coerce=`"),
        ("import time\nt = time.clock()", "`time.clock()`"),
        ("import pandas as pd\nf = pd.DataFrame.from_items(pairs)", "`DataFrame.from_items()`"),
    ],
)
def test_each_kind_of_removed_call_is_named_with_its_release_and_replacement(
    code: str, gone: str
) -> None:
    (message,) = removed([code])
    assert message.startswith(f"{gone} was removed in ")
    assert ": use " in message


@pytest.mark.parametrize(
    "code",
    [
        "import numpy as np\nm = np.sort(values)",  # a module's own function
        "import numpy as np\nvalues.sort(axis=0)",  # NumPy's in-place sort
        "names = ['b', 'a']\nnames.sort(key=len, reverse=True)",  # list.sort
        "names = []\nnames.append('a')",  # a list grows, nothing is assigned
        "from tensorflow.keras import backend as K\nK.set_value(lr, 0.1)",  # Keras' own
        "from tensorflow import keras\nK = keras.backend\nlr = K.get_value(opt.lr)",
        "import numpy as np\nx = np.zeros(2)\nx = np.append(x, 1)",  # NumPy's append
        "idx = make_index()\nidx = idx.append(other)",  # pandas' Index.append still exists
        "r = Rotation.from_euler('z', 90)\nm = r.as_matrix()",  # SciPy's
        "from scipy.spatial.transform import Rotation\nr = Rotation.from_euler('z', 90).inv()"
        "\nm = r.as_matrix()",  # a chain from another library is not a frame
        "df = pl.read_csv('x')\ndf = df.sort(by='a')",  # polars
        "import polars as pl\ns = pl.Series('a', [1])\ns = s.append(pl.Series('b', [2]))",
        "import polars as pl\nframe = pl.read_csv('x')\nframe = frame.append(frame)",
        "sdf = spark.read.csv('x')\nsdf.sort('a', ascending=False)",  # Spark
        f"{FRAME}mi = frame.index\nmi.sortlevel()",  # pandas' MultiIndex still has it
        "class Cursor:\n    def __init__(self):\n        self.ix = 0",
        "try:\n    from sklearn.model_selection import KFold\nexcept ImportError:\n"
        "    from sklearn.cross_validation import KFold",
        "import torch\nsparse = torch.eye(3).to_sparse()",
        "for k, v in mapping.items():\n    pass",
        "helper = frame.iteritems",  # an attribute never called may be anything's
        "import lightgbm as lgb\nm = lgb.train({}, d, callbacks=[])",
        "import numpy as np\nh = np.histogram(v, density=True)",
        "from gensim.models import Word2Vec\nm = Word2Vec(s, vector_size=100)",
        "def Word2Vec(size):\n    return size\nm = Word2Vec(size=3)",  # the notebook's own
        "from sklearn.model_selection import train_test_split",
    ],
)
def test_what_still_exists_is_not_reported(code: str) -> None:
    assert removed([code]) == []


def test_one_finding_for_the_notebook_naming_the_first_and_the_others_in_order() -> None:
    cells = [
        "import pandas as pd\nfrom sklearn.cross_validation import KFold",
        "df = pd.read_csv('a.csv')\nm = df.as_matrix()\nm2 = df.as_matrix()\nr = df.ix[0]",
    ]
    finding = only(analyse(cells), "removed-api")
    assert finding.location.cell == 1 and finding.location.line == 2
    assert finding.message == (
        "`sklearn.cross_validation` was removed in scikit-learn 0.20: use "
        "`sklearn.model_selection`; also gone: `.as_matrix()` (cell 2: `.to_numpy()` "
        "(`df[columns].to_numpy()` for some columns)); "
        "`.ix[]` (cell 2: `.loc[]` (labels) or `.iloc[]` (positions))"
    )
    assert [(r.cell, r.line) for r in finding.related] == [(2, 2), (2, 3), (2, 4)]
    # three distinct removals: the first's price and a step for each further one
    assert finding.deficit == removed_api.DEFICIT + 2 * removed_api.STEP
    assert finding.category == "lint" and finding.severity == "error"


def test_the_cost_stops_at_the_cap() -> None:
    calls = FRAME + "\n".join(
        f"x{i} = frame.{name}()" for i, name in enumerate(removed_api.METHODS)
    )
    finding = only(analyse([calls]), "removed-api")
    assert finding.deficit == removed_api.CAP
    assert finding.message.endswith(f"and {len(removed_api.METHODS) - 4} more")


def test_a_column_listed_twice_is_reported_once_per_list() -> None:
    cells = [
        "out = df[['name', 'address', 'city', 'address']]",
        "cities = {'city': ['NY', 'LA', 'NY']}\npalette = ['red', 'blue', 'red']",  # data
        "letters = ['a', 'b', 'a']\ntokens = ['x', ',', 'y', ',']",  # letters and tokens repeat
        "pair = ['name', 'name']",  # two items: a pair, not a list of columns
        "mixed = ['name', 2, 'name']",
    ]
    finding = only(analyse(cells), "duplicate-item")
    assert finding.message == "'address' appears twice in this list of 4 names"
    assert (finding.location.cell, finding.location.line) == (1, 1)
    assert finding.deficit == removed_api.DUPLICATE_ITEM_DEFICIT


def test_a_removed_call_lowers_the_score() -> None:
    clean = analyse(["import pandas as pd\ndf = pd.read_csv('a.csv')\nm = df.to_numpy()"])
    old = analyse(["import pandas as pd\ndf = pd.read_csv('a.csv')\nm = df.as_matrix()"])
    weights = asdict(Config().weights)
    assert score_findings(old.findings, weights)[0] < score_findings(clean.findings, weights)[0]


def test_every_removed_keyword_of_one_call_is_named() -> None:
    """Fixing only the first would still fail: LightGBM 4 refuses all three."""
    code = "import lightgbm as lgb\nm = lgb.train(p, d, early_stopping_rounds=5, verbose_eval=10, evals_result=r)"
    (message,) = removed([code])
    for keyword in ("early_stopping_rounds", "verbose_eval", "evals_result"):
        assert f"`lgb.train({keyword}=)`" in message


def test_a_chained_call_is_placed_on_the_line_of_the_removed_method() -> None:
    code = FRAME + "top = (\n    frame.dropna()\n    .sort(columns='total')\n    .head()\n)"
    finding = only(analyse([code]), "removed-api")
    assert finding.location.line == 5


def test_a_dataframe_is_known_by_how_it_is_made_used_or_derived() -> None:
    """Pandas-only methods count on names that are DataFrames: made by pandas, used as only
    pandas objects are, or computed from one; never on anything else of the same method."""
    made = "import pandas as pd\nraw = pd.merge(a, b)\nm = raw.as_matrix()"
    used = "train = kg.io.load('x')\nfirst = train.iloc[0]\nm = train.as_matrix()"
    derived = FRAME + "top = frame[frame.x > 0].groupby('k').sum()\nm = top.as_matrix()"
    appended = FRAME + "for part in parts:\n    frame = frame.append(part)"
    for code in (made, used, derived, appended):
        assert len(removed([code])) == 1, code


def test_a_name_list_is_one_where_columns_go() -> None:
    contexts = [
        "t = pd.read_csv('x', usecols=['GEOID', 'name', 'GEOID'])",
        "hits = df[df.address.isin(['600 W', '601 W', '600 W'])]",
        "feature_cols = ['age', 'fee', 'age']",
        "df = df.drop(['a_col', 'b_col', 'a_col'], axis=1)",
    ]
    for code in contexts:
        assert [f.rule for f in analyse([code]).findings if f.rule == "duplicate-item"], code
