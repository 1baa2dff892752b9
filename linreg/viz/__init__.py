"""The plotting layer: pure functions from core records to ``go.Figure`` (Plotly only,
no Streamlit).

One module per figure family: ``playground`` (the synchronized three views), ``compare``
(the optimizer race), ``rates`` (stability gauge, learning-rate sweep, momentum rate
map), ``lessons`` (the Learn page), ``data`` (the Data page), ``gif`` (slides, with
Pillow); and what they share: ``style`` (palette, type sizes, sampling), ``animation``
(light frames and the player), ``geometry`` (view box, exact level sets, optimum,
eigen-axes).
"""
