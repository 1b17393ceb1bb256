"""20 Newsgroups topic classifier: TF-IDF + linear SVM (SGD), grid-searched."""
from time import time

import joblib
from sklearn.datasets import fetch_20newsgroups
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import classification_report
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

CATEGORIES = ["alt.atheism", "comp.graphics", "sci.med", "sci.space", "rec.sport.hockey", "talk.politics.guns"]
RANDOM_STATE = 42


def main():
    train = fetch_20newsgroups(subset="train", categories=CATEGORIES, remove=("headers", "footers", "quotes"))
    test = fetch_20newsgroups(subset="test", categories=CATEGORIES, remove=("headers", "footers", "quotes"))

    pipeline = Pipeline([
        ("tfidf", TfidfVectorizer(sublinear_tf=True, min_df=2, stop_words="english")),
        ("clf", SGDClassifier(loss="hinge", penalty="l2", alpha=1e-4, max_iter=50, random_state=RANDOM_STATE)),
    ])
    param_grid = {
        "tfidf__ngram_range": [(1, 1), (1, 2)],
        "tfidf__max_df": [0.5, 0.8],
        "clf__alpha": [1e-5, 1e-4, 1e-3],
    }
    search = GridSearchCV(pipeline, param_grid, cv=5, n_jobs=-1, verbose=1)

    t0 = time()
    search.fit(train.data, train.target)
    print(f"grid search done in {time() - t0:.1f}s, best CV accuracy {search.best_score_:.3f}")
    print("best params:", search.best_params_)

    pred = search.predict(test.data)
    print(classification_report(test.target, pred, target_names=test.target_names))
    joblib.dump(search.best_estimator_, "newsgroups_sgd.joblib")


if __name__ == "__main__":
    main()
