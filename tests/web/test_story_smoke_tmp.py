from tests.web.storydata import newsroom_queue, text_of
def test_smoke(web):
    ids = newsroom_queue(web)
    c = web.login("analyst")
    r = c.get(f"/stories/{ids['bridge']}")
    print(r.status_code)
    open("/tmp/story.html","w").write(r.text)
    assert r.status_code == 200, r.text[-3000:]
