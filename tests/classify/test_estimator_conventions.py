"""scikit-learn conventions of bantin's text estimators, tested one by one.

``parametrize_with_checks`` only runs ``check_estimator_cloneable`` on estimators that declare string input,
so each convention that applies to a text estimator is asserted here on small synthetic Vietnamese data.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
import skops.io as sio
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import NotFittedError

from bantin.classify.topics.features import SyllableTfidfVectorizer
from bantin.classify.topics.model import TopicModel
from bantin.classify.topics.textmodel import TextClassifier

TEXTS = ["Giá vàng hôm nay tăng mạnh\nthị trường chứng khoán giảm", "Lãi suất ngân hàng giảm nhẹ, 2025",
         "Đội tuyển Việt Nam thắng 2-0\ncầu thủ ghi bàn", "Sân vận động Mỹ Đình kín khán giả",
         "Mưa lớn gây ngập nhiều tuyến phố\nbão số 3 đổ bộ", "Lũ quét ở miền núi, người dân sơ tán"] * 6
LABELS = ["money", "money", "sport", "sport", "weather", "weather"] * 6
TOPICS = ("economy", "sports", "disasters")
TOPIC_LABELS = [{"economy"}, {"economy"}, {"sports"}, {"sports"}, {"disasters"}, {"disasters"}] * 6
PROBE = ["giá vàng và lãi suất", "ghi bàn ở Mỹ Đình", "bão và lũ quét", "một câu không liên quan"]


def _vectorizer() -> SyllableTfidfVectorizer:
    return SyllableTfidfVectorizer(n_features=2**10, title_chars=40, title_features=2**8, title_weight=1.5,
                                   fold_digits=True, punct_features=2**6, punct_weight=0.2)


def _classifier() -> TextClassifier:
    return TextClassifier(n_features=2**10, C=0.7, balance_power=1.0, title_chars=40)


def _topics() -> TopicModel:
    return TopicModel(topics=TOPICS, n_features=2**10, C=0.8, random_state=3)


# (factory, fit arguments, the method whose output users get, the attribute fit creates)
CASES: dict[str, tuple[Callable[[], BaseEstimator], tuple[Any, ...], str, str]] = {
    "vectorizer": (_vectorizer, (TEXTS,), "transform", "idf_"),
    "classifier": (_classifier, (TEXTS, LABELS), "predict_proba", "coef_"),
    "topics": (_topics, (TEXTS, TOPIC_LABELS), "predict_proba", "coef_"),
}
# Constructor arguments that differ from every default, to see them stored unchanged.
NON_DEFAULT: dict[str, dict[str, Any]] = {
    "vectorizer": {"n_features": 2**9, "ngram_max": 1, "sublinear_tf": False, "min_df": 2, "title_chars": 7,
                   "title_features": 2**5, "title_weight": 2.5, "fold_digits": True, "punct_features": 2**4,
                   "punct_weight": 0.3},
    "classifier": {"n_features": 2**9, "ngram_max": 1, "min_df": 2, "C": 0.25, "class_weight": None,
                   "balance_power": 0.5, "calibrate": False, "random_state": 7, "title_chars": 11},
    "topics": {"topics": TOPICS, "n_features": 2**9, "C": 0.25, "random_state": 9, "society_offset": 0.7},
}


def _output(est: BaseEstimator, method: str) -> np.ndarray:
    out = getattr(est, method)(PROBE)
    return out.toarray() if sp.issparse(out) else np.asarray(out)


@pytest.fixture(params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_init_stores_every_parameter_unchanged_and_get_params_returns_them(case: str) -> None:
    make = CASES[case][0]
    params = NON_DEFAULT[case]
    est = type(make())(**params)
    assert est.get_params() == params
    assert all(getattr(est, k) is v for k, v in params.items())  # the very objects, not copies or casts


def test_set_params_round_trips_through_get_params(case: str) -> None:
    est = CASES[case][0]()
    before = est.get_params()
    assert est.set_params(**NON_DEFAULT[case]) is est
    assert est.get_params() == NON_DEFAULT[case] != before
    est.set_params(**before)
    assert est.get_params() == before
    with pytest.raises(ValueError, match="Invalid parameter"):
        est.set_params(no_such_parameter=1)


def test_fit_returns_self(case: str) -> None:
    make, args, _, _ = CASES[case]
    est = make()
    assert est.fit(*args) is est


def test_unfitted_estimator_raises_not_fitted_error(case: str) -> None:
    make, _, method, _ = CASES[case]
    with pytest.raises(NotFittedError):
        getattr(make(), method)(PROBE)


def test_clone_of_a_fitted_estimator_is_unfitted_with_equal_params(case: str) -> None:
    make, args, method, fitted_attr = CASES[case]
    est = make().fit(*args)
    copy = clone(est)
    assert copy is not est and copy.get_params() == est.get_params()
    assert not hasattr(copy, fitted_attr)
    with pytest.raises(NotFittedError):
        getattr(copy, method)(PROBE)
    np.testing.assert_array_equal(_output(copy.fit(*args), method), _output(est, method))


def test_refitting_on_the_same_data_gives_identical_outputs(case: str) -> None:
    make, args, method, _ = CASES[case]
    est = make().fit(*args)
    first = _output(est, method)
    second = _output(est.fit(*args), method)
    np.testing.assert_array_equal(first, second)
    fresh = _output(make().fit(*args), method)
    np.testing.assert_array_equal(first, fresh)


def test_refitting_on_other_data_forgets_the_first_fit(case: str) -> None:
    make, args, method, _ = CASES[case]
    other = [t.upper() + " thêm chữ" for t in TEXTS]
    est = make().fit(other, *args[1:]).fit(*args)
    np.testing.assert_array_equal(_output(est, method), _output(make().fit(*args), method))


def test_pickle_round_trip_gives_identical_outputs(case: str) -> None:
    make, args, method, _ = CASES[case]
    est = make().fit(*args)
    back = pickle.loads(pickle.dumps(est))
    assert back.get_params() == est.get_params()
    np.testing.assert_array_equal(_output(back, method), _output(est, method))


def test_skops_round_trip_gives_identical_outputs(case: str) -> None:
    make, args, method, _ = CASES[case]
    est = make().fit(*args)
    data = sio.dumps(est)
    back = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    np.testing.assert_array_equal(_output(back, method), _output(est, method))


def test_fitted_outputs_say_something_about_the_input() -> None:
    """The fixtures above must fit real models, or the equalities would hold for constant outputs."""
    clf = _classifier().fit(TEXTS, LABELS)
    assert list(clf.predict(PROBE[:3])) == ["money", "sport", "weather"]
    topics = _topics().fit(TEXTS, TOPIC_LABELS)
    assert [max(s, key=s.__getitem__) for s in topics.predict(PROBE[:3])] == list(TOPICS)
    vec = _vectorizer().fit(TEXTS).transform(PROBE)
    assert vec.shape == (4, 2**10 + 2**8 + 2**6) and np.allclose(sp.linalg.norm(vec, axis=1), 1.0, atol=1e-5)
